import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { useConvolutionalConv2DGradient, useStockConv2DGradient } from '../core/model/conv2d-gradient';

function values(shape: number[], seed: number): tf.Tensor {
  let state = seed;
  const count = shape.reduce((product, size) => product * size, 1);
  return tf.tensor(Array.from({ length: count }, () => ((state = (state * 1103515245 + 12345) % 2147483648), state / 2147483648 - 0.5)), shape);
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((largest, value, index) => Math.max(largest, Math.abs(value - b[index])), 0);

/** Gradients of Σ w ⊙ conv2d(x, K) w.r.t. x and K with the gradient now registered, on `backend`. */
async function firstOrder(backend: string, xShape: number[], kernelShape: number[], pad: 'same' | 'valid'): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = values(xShape, 3) as tf.Tensor4D;
    const kernel = values(kernelShape, 5) as tf.Tensor4D;
    const weights = values(tf.conv2d(x, kernel, 1, pad).shape, 7);
    const grads = tf.grads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, pad), weights)))([x, kernel]);
    return grads.map((gradient) => gradient.dataSync() as Float32Array);
  });
}

const cases: [number[], number[], 'same' | 'valid'][] = [
  [[2, 6, 5, 3], [3, 3, 3, 4], 'same'],
  [[3, 5, 7, 1], [5, 3, 1, 2], 'same'],
  [[2, 6, 6, 2], [3, 3, 2, 3], 'valid'],
  [[1, 7, 6, 4], [4, 2, 4, 2], 'valid'],
];

for (const [xShape, kernelShape, pad] of cases) {
  test(`the Conv2D gradient made of Conv2Ds equals tfjs's stock one on cpu (x ${xShape.join('×')}, kernel ${kernelShape.join('×')}, ${pad}), on wasm and cpu`, async () => {
    await selectBackend('wasm');
    useStockConv2DGradient();
    const expected = await firstOrder('cpu', xShape, kernelShape, pad);
    useConvolutionalConv2DGradient();
    for (const backend of ['wasm', 'cpu']) {
      const actual = await firstOrder(backend, xShape, kernelShape, pad);
      ['input', 'kernel'].forEach((what, index) => assert.ok(maxDifference(actual[index], expected[index]) < 1e-4, `${backend}: ${what} gradient differs by ${maxDifference(actual[index], expected[index])}`));
    }
    await tf.setBackend('wasm');
  });
}

test('the R1 penalty of a convolutional D has the right gradient on wasm (second order, against central differences)', async () => {
  await selectBackend('wasm');
  const x = values([2, 5, 5, 2], 11) as tf.Tensor4D;
  const weights = values([2, 5, 5, 3], 13);
  const kernel = values([3, 3, 2, 3], 17) as tf.Tensor4D;
  // D(x) = Σ w ⊙ softplus(conv2d(x, K)); R1(K) = Σ (∂D/∂x)².
  const r1 = (filter: tf.Tensor) => {
    const inputGradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.softplus(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')), weights)))(x);
    return tf.sum(tf.square(inputGradient)) as tf.Scalar;
  };
  const before = tf.memory().numTensors;
  const analytic = tf.tidy(() => tf.grad(r1)(kernel).dataSync());
  assert.equal(tf.memory().numTensors, before);
  const epsilon = 1e-2;
  const values_ = kernel.dataSync();
  for (const index of [0, 7, 20, 53]) {
    const at = (shift: number) => tf.tidy(() => r1(tf.tensor(values_.map((value, position) => (position === index ? value + shift : value)), kernel.shape)).dataSync()[0]);
    const numeric = (at(epsilon) - at(-epsilon)) / (2 * epsilon);
    assert.ok(Math.abs(numeric - analytic[index]) < 2e-2 * Math.max(1, Math.abs(numeric)), `∂R1/∂K[${index}]: ${analytic[index]} analytic, ${numeric} numeric`);
  }
  tf.dispose([x, weights, kernel]);
});
