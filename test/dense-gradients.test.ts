import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { dense } from '../core/model/dense';
import { usePlainMatMulGradient, useStockMatMulGradient } from '../core/model/plain-matmul-gradient';

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(actual, expected)).dataSync()[0] / Math.max(tf.norm(expected).dataSync()[0], 1e-30));
}

/** Gradients of Σ(f(a, b)·upstream) with respect to a and b, under the stock or the plain gradient. */
function gradientsWith(which: 'stock' | 'plain', f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor, upstream: tf.Tensor): tf.Tensor[] {
  if (which === 'stock') useStockMatMulGradient();
  else usePlainMatMulGradient();
  try {
    return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), upstream)))([a, b]);
  } finally {
    usePlainMatMulGradient();
  }
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`the plain BatchMatMul gradient equals tfjs's own for every transpose combination (${backend}), relative error < 1e-5`, async () => {
    await selectBackend(backend);
    for (const [m, k, n] of [[256, 2, 128], [64, 128, 128], [7, 33, 1]]) {
      for (const [transposeA, transposeB] of [[false, false], [false, true], [true, false], [true, true]]) {
        tf.tidy(() => {
          const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', 1);
          const b = tf.randomNormal(transposeB ? [n, k] : [k, n], 0, 1, 'float32', 2);
          const upstream = tf.randomNormal([m, n], 0, 1, 'float32', 3);
          const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB);
          const plain = gradientsWith('plain', f, a, b, upstream);
          const stock = gradientsWith('stock', f, a, b, upstream);
          ['a', 'b'].forEach((name, index) => {
            const error = relativeError(plain[index], stock[index]);
            assert.ok(error < 1e-5, `${backend} [${m}×${k}→${n}] tA=${transposeA} tB=${transposeB} d/d${name}: relative error ${error}`);
          });
        });
      }
    }
    // The dense layer as the models use it, bias included.
    tf.tidy(() => {
      const x = tf.randomNormal([256, 128], 0, 1, 'float32', 4);
      const kernel = tf.randomNormal([128, 128], 0, 1, 'float32', 5);
      const bias = tf.randomNormal([128], 0, 1, 'float32', 6);
      const upstream = tf.randomNormal([256, 128], 0, 1, 'float32', 7);
      const loss = (a: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(dense(a as tf.Tensor2D, w as tf.Tensor2D, c as tf.Tensor1D), upstream));
      const plain = tf.grads(loss)([x, kernel, bias]);
      useStockMatMulGradient();
      const stock = tf.grads(loss)([x, kernel, bias]);
      usePlainMatMulGradient();
      plain.forEach((gradient, index) => assert.ok(relativeError(gradient, stock[index]) < 1e-5));
    });
    await selectBackend('wasm');
  });
}
