import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { convolveOverTime } from '../core/model/temporal-conv-networks';

function values(count: number, seed: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

/** Value and gradients (input, kernel, bias) of Σ w ⊙ conv(x) on the given backend. */
async function valueAndGradients(backend: string, convolution: (x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D) => tf.Tensor3D, [n, length, channels, out, taps]: number[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor3d(values(n * length * channels, 7), [n, length, channels]);
    const kernel = tf.tensor3d(values(taps * channels * out, 9), [taps, channels, out]);
    const bias = tf.tensor1d(values(out, 5));
    const weights = tf.tensor3d(values(n * length * out, 3), [n, length, out]);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(convolution(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor1D), weights)) as tf.Scalar;
    const { grads } = tf.valueAndGrads(loss)([x, kernel, bias]);
    return [convolution(x, kernel, bias), ...grads].map((tensor) => tensor.dataSync() as Float32Array);
  });
}

const ours = (x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D) => convolveOverTime(x, { kernel: tf.reshape(kernel, [-1, kernel.shape[2]]), bias });
const reference = (x: tf.Tensor3D, kernel: tf.Tensor3D, bias: tf.Tensor1D) => tf.add(tf.conv1d(x, kernel, 1, 'same'), bias) as tf.Tensor3D;

for (const shape of [[3, 24, 5, 8, 5], [2, 7, 1, 3, 3], [4, 10, 6, 6, 1]]) {
  test(`a convolution over time equals tf.conv1d on cpu, value and every gradient, on wasm and cpu ([n, length, channels, out, taps] = [${shape}])`, async () => {
    await selectBackend('wasm');
    const expected = await valueAndGradients('cpu', reference, shape);
    for (const backend of ['wasm', 'cpu']) {
      const actual = await valueAndGradients(backend, ours, shape);
      ['value', 'input gradient', 'kernel gradient', 'bias gradient'].forEach((what, index) => {
        const difference = actual[index].reduce((largest, value, at) => Math.max(largest, Math.abs(value - expected[index][at])), 0);
        assert.ok(difference < 1e-4, `${backend}: ${what} differs by ${difference}`);
      });
    }
    await tf.setBackend('wasm');
  });
}
