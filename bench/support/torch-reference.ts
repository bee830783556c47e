/**
 * Environment for the PyTorch reference processes: one thread everywhere. torch's own
 * set_num_threads(1) does not reach OpenBLAS, whose pthread build starts a thread per
 * core; on a machine whose other core is busy those threads wait on each other, and a
 * 256×128·128×128 matmul took 7.5 ms instead of 0.39 ms (measured here, with
 * libopenblas0-pthread, another process on each core).
 */
export const ONE_THREAD = { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } as const;
