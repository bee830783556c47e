import * as tf from '@tensorflow/tfjs-core';

/** Kernels averagePool runs forward and backward. */
export const AVERAGE_POOL_KERNELS = ['Reshape', 'Mean', 'Multiply', 'RealDiv'] as const;

/**
 * Averages non-overlapping pt×ph×pw blocks of [n, frames, height, width, channels]
 * (sizes must divide). Written as reshapes and means, in two stages so no tensor
 * exceeds rank 5, because wasm has no AvgPool3D gradient kernel and our convolutions
 * are stride 1 (see conv3d-same.ts).
 */
export function averagePool(x: tf.Tensor5D, [pt, ph, pw]: readonly [number, number, number]): tf.Tensor5D {
  const [n, frames, height, width, channels] = x.shape;
  const [t, h, w] = [frames / pt, height / ph, width / pw];
  const overTimeAndHeight = tf.mean(tf.reshape(x, [n * t, pt, h, ph, width * channels]), [1, 3]);
  const overWidth = tf.mean(tf.reshape(overTimeAndHeight, [n * t * h, w, pw, channels]), 2);
  return tf.reshape(overWidth, [n, t, h, w, channels]);
}
