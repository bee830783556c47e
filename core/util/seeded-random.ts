/**
 * A small seeded PRNG (mulberry32) for everything outside TensorFlow that must be
 * reproducible: data sampling and the per-step seeds handed to tf.random* ops.
 * Math.random cannot be seeded, and the same seed must give the same run.
 */
export class SeededRandom {
  private state_: number;

  constructor(seed: number) {
    this.state_ = seed >>> 0;
  }

  /** The generator's whole state: a checkpoint records it to resume exactly. */
  get state(): number {
    return this.state_;
  }

  set state(value: number) {
    this.state_ = value >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state_ = (this.state_ + 0x6d2b79f5) >>> 0;
    let t = this.state_;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A 31-bit seed for a tf.random* call. */
  nextSeed(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** 0…count−1 in an order that depends on the seed alone (Fisher–Yates). */
  permutation(count: number): Int32Array {
    const indices = new Int32Array(count);
    for (let index = 0; index < count; index++) indices[index] = index;
    for (let index = count - 1; index > 0; index--) {
      const other = this.nextInt(index + 1);
      [indices[index], indices[other]] = [indices[other], indices[index]];
    }
    return indices;
  }

  /** Standard normal, Box–Muller. */
  nextNormal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
