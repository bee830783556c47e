import * as tf from '@tensorflow/tfjs-core';

/**
 * y = x·W + b with a gradient that never asks BatchMatMul for a transposed operand.
 *
 * tfjs's own matMul gradient computes dy·Wᵀ and xᵀ·dy with transposeA/transposeB,
 * and on the wasm backend those transposed BatchMatMul calls are an order of
 * magnitude slower than an explicit tf.transpose followed by a plain matMul
 * (measured in bench/step-time.ts; see BENCHMARKS.md). The result is the same maths:
 * test/dense.test.ts compares these gradients with tfjs's own.
 */
const denseWithPlainMatMulGradient = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, bias, save] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  const x2d = x;
  const kernel2d = kernel;
  save([x2d, kernel2d]);
  return {
    value: tf.add(tf.matMul(x2d, kernel2d), bias),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedKernel] = saved as tf.Tensor2D[];
      const dy2d = dy as tf.Tensor2D;
      return [
        tf.matMul(dy2d, tf.transpose(savedKernel)),
        tf.matMul(tf.transpose(savedX), dy2d),
        tf.sum(dy2d, 0),
      ];
    },
  };
});

export function dense(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return denseWithPlainMatMulGradient(x, kernel, bias) as tf.Tensor2D;
}

/** The same layer with tfjs's built-in gradient: the reference for tests and benchmarks. */
export function denseReference(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, kernel), bias);
}
