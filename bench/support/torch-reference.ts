/**
 * Environment for the PyTorch reference processes: one thread everywhere. torch's own
 * set_num_threads(1) does not reach OpenBLAS, whose pthread build starts a thread per
 * core; on a machine whose other core is busy those threads wait on each other, and a
 * 256×128·128×128 matmul took 7.5 ms instead of 0.39 ms (measured here, with
 * libopenblas0-pthread, another process on each core).
 */
export const ONE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;

/** What a PyTorch reference script reports about its BLAS (bench/torch_timing.py's blas_check). */
export interface TorchBlas {
  torch: string;
  /** torch.__config__'s BLAS_INFO. */
  blas: string;
  /** A timed 256×128·128×128 matmul, ms. */
  matmulMs: number;
}

/**
 * Whether the reference is worth a ratio: Debian's torch links whatever libblas.so.3 is
 * installed, and on reference BLAS that matmul takes ~4 ms against ~0.2 ms with OpenBLAS,
 * so a ratio against it flatters ganpipe by an order of magnitude.
 */
export function isOptimisedBlas({ blas, matmulMs }: TorchBlas): boolean {
  return blas !== 'generic' || matmulMs < 1;
}

/** One line saying which BLAS the reference ran on, and how fast. */
export function describeTorchBlas(reference: TorchBlas): string {
  const { torch, blas, matmulMs } = reference;
  return `PyTorch ${torch}, 1 thread, BLAS_INFO=${blas}; 256×128·128×128 matmul ${matmulMs.toFixed(2)} ms (${isOptimisedBlas(reference) ? 'an optimised BLAS such as OpenBLAS' : 'reference BLAS speed: apt-get install -y libopenblas0-pthread'}).`;
}
