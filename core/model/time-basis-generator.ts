import * as tf from '@tensorflow/tfjs-core';
import type { NamedVariable, Network } from './network';

/** Kernels the basis expansion runs forward and backward. */
export const TIME_BASIS_KERNELS = ['BatchMatMul', 'Transpose', 'Reshape'] as const;

/**
 * The first `size` DCT-II cosines over `length` steps, as a [size, length] matrix:
 * row k is cos(π·k·(t + ½)/length), the smoothest basis that can still bend k times.
 */
export function cosineBasis(length: number, size: number): Float32Array {
  const basis = new Float32Array(size * length);
  for (let k = 0; k < size; k++) {
    for (let t = 0; t < length; t++) basis[k * length + t] = Math.cos((Math.PI * k * (t + 0.5)) / length);
  }
  return basis;
}

/**
 * A sequence generator that outputs, for each feature, the weights of `size` smooth
 * cosines over the window instead of every time step. Why: an MLP that writes each of
 * the L·F values on its own leaves high-frequency jitter that D barely feels but any
 * post-hoc classifier picks up at once (measured on sines: second differences 300×
 * the real ones, discriminative score 0.5 at MMD² 0.007). With `size` < L the output
 * has no frequency above size/2 cycles per window, which suits smooth series (sines,
 * climate normals) and is wrong for series with hour-to-hour detail: there, use a larger
 * size or none (docs/datasets.md).
 */
export class TimeBasisGenerator implements Network {
  readonly networkName: string;
  readonly variables: readonly NamedVariable[];
  private readonly basis: tf.Tensor2D;

  /** `coefficients` maps z to size·features values (size-major: [size, features]). */
  constructor(
    private readonly coefficients: Network,
    private readonly length: number,
    private readonly features: number,
    private readonly size: number,
  ) {
    this.networkName = coefficients.networkName;
    this.variables = coefficients.variables;
    this.basis = tf.tensor2d(cosineBasis(length, size), [size, length]);
  }

  apply(z: tf.Tensor): tf.Tensor3D {
    const n = z.shape[0];
    const weights = tf.reshape(this.coefficients.apply(z), [n, this.size, this.features]);
    // [n·features, size] · [size, length] → [n, features, length] → [n, length, features]
    const byFeature = tf.reshape(tf.transpose(weights, [0, 2, 1]), [n * this.features, this.size]);
    return tf.transpose(tf.reshape(tf.matMul(byFeature, this.basis), [n, this.features, this.length]), [0, 2, 1]);
  }

  trainableVariables(): tf.Variable[] {
    return this.coefficients.trainableVariables();
  }

  dispose(): void {
    this.coefficients.dispose();
    this.basis.dispose();
  }
}
