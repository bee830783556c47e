import * as tf from '@tensorflow/tfjs-core';
import './plain-matmul-gradient';

/** What a dense layer runs forward and backward (its gradient adds Transpose and Sum). */
export const DENSE_KERNELS = ['BatchMatMul', 'Add', 'Transpose', 'Sum'] as const;

/**
 * y = x·W + b. Its gradient is fast on wasm because of the BatchMatMul gradient
 * registered in ./plain-matmul-gradient (explicit transposes, computed lazily).
 */
export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel), bias);
}
