import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' bundle registers tfjs's stock gradients (tfjs-core's CommonJS bundle
// registers none); it must load first so that ours replaces the stock BatchMatMul one.
import '@tensorflow/tfjs-layers';

/**
 * A BatchMatMul gradient that never asks BatchMatMul for a transposed operand.
 *
 * tfjs's stock gradient computes dy·Bᵀ and Aᵀ·dy with matMul's transposeA/transposeB
 * flags, and on the wasm backend those transposed BatchMatMul calls are an order of
 * magnitude slower than an explicit tf.transpose followed by a plain matMul (measured
 * in bench/step-time.ts; BENCHMARKS.md). This is the same maths with the transposes
 * made explicit, and, like the stock one, lazy: a gradient nobody needs (the data's,
 * or D's weights' during a G update) is never computed. test/dense-gradients.test.ts
 * compares it with the stock gradient.
 */
const stockGradient = tf.getGradient('BatchMatMul');

/** Swaps the last two axes (a matrix transpose, batched for rank > 2). */
function transposeLastTwo(tensor: tf.Tensor): tf.Tensor {
  const perm = tensor.shape.map((_, axis) => axis);
  [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
  return tf.transpose(tensor, perm);
}

const plainMatMulGradient: tf.GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved, attrs) => {
    const [a, b] = saved;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const dyTensor = dy as tf.Tensor;
    const T = transposeLastTwo;
    if (!transposeA && !transposeB) return { a: () => tf.matMul(dyTensor, T(b)), b: () => tf.matMul(T(a), dyTensor) };
    if (!transposeA && transposeB) return { a: () => tf.matMul(dyTensor, b), b: () => tf.matMul(T(dyTensor), a) };
    if (transposeA && !transposeB) return { a: () => tf.matMul(b, T(dyTensor)), b: () => tf.matMul(a, dyTensor) };
    return { a: () => tf.matMul(T(b), T(dyTensor)), b: () => tf.matMul(T(dyTensor), T(a)) };
  },
};

/** ganpipe's default, installed when this module loads. */
export function usePlainMatMulGradient(): void {
  tf.registerGradient(plainMatMulGradient);
}

/** tfjs's own, for reference measurements and tests. */
export function useStockMatMulGradient(): void {
  tf.registerGradient(stockGradient);
}

usePlainMatMulGradient();
