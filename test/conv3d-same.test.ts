import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from '../core/backend/select-backend';
import { conv3dSame } from '../core/model/conv3d-same';
import { checkKernels } from '../core/model/check-kernels';
import { isGanpipeError } from '../core/errors';

/** Deterministic values in [−0.5, 0.5), the same on every backend. */
function values(count: number, seed: number): Float32Array {
  const result = new Float32Array(count);
  let state = seed;
  for (let index = 0; index < count; index++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    result[index] = state / 2147483648 - 0.5;
  }
  return result;
}

const size = (shape: readonly number[]) => shape.reduce((product, dimension) => product * dimension, 1);

type Shape5 = [number, number, number, number, number];

/** Value of conv(x, k) and gradients of Σ w ⊙ conv(x, k) w.r.t. x and k, on the given backend. */
async function valueAndGradients(backend: string, convolution: (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.Tensor5D, xShape: Shape5, kernelShape: Shape5): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputShape: Shape5 = [...xShape.slice(0, 4), kernelShape[4]] as Shape5;
  const x = tf.tensor5d(values(size(xShape), 7), xShape);
  const kernel = tf.tensor5d(values(size(kernelShape), 9), kernelShape);
  const weights = tf.tensor5d(values(size(outputShape), 3), outputShape);
  const y = convolution(x, kernel);
  const [dx, dKernel] = tf.grads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(tf.mul(convolution(input as tf.Tensor5D, filter as tf.Tensor5D), weights)))([x, kernel]);
  const result = [(await y.data()) as Float32Array, (await dx.data()) as Float32Array, (await dKernel.data()) as Float32Array];
  tf.dispose([x, kernel, weights, y, dx, dKernel]);
  return result;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - b[index])), 0);
}

const native = (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.conv3d(x, kernel, 1, 'same');

// Every layout the models use: one input channel (D's first layer, G's last), several,
// kernels of 3 and 5 taps, 1×1 "fields" (the temporal models' 1-D convolutions), a
// kernel with one time tap.
const cases: { xShape: Shape5; kernelShape: Shape5 }[] = [
  { xShape: [2, 4, 6, 8, 3], kernelShape: [3, 3, 3, 3, 4] },
  { xShape: [3, 4, 4, 4, 1], kernelShape: [3, 3, 3, 1, 5] },
  { xShape: [2, 6, 4, 4, 4], kernelShape: [3, 3, 3, 4, 1] },
  { xShape: [2, 5, 6, 6, 2], kernelShape: [5, 3, 5, 2, 3] },
  { xShape: [4, 12, 1, 1, 5], kernelShape: [3, 1, 1, 5, 6] },
  { xShape: [2, 4, 4, 4, 2], kernelShape: [1, 3, 3, 2, 2] },
];

for (const { xShape, kernelShape } of cases) {
  test(`conv3dSame on wasm and cpu equals tf.conv3d on cpu (the reference: it matches central differences), x ${xShape.join('×')}, kernel ${kernelShape.join('×')}`, async () => {
    await selectBackend('wasm');
    const reference = await valueAndGradients('cpu', native, xShape, kernelShape);
    for (const backend of ['wasm', 'cpu']) {
      const ours = await valueAndGradients(backend, conv3dSame, xShape, kernelShape);
      ['value', 'input gradient', 'kernel gradient'].forEach((what, index) => {
        const difference = maxDifference(ours[index], reference[index]);
        assert.ok(difference < 1e-4, `${backend}: ${what} differs by ${difference}`);
      });
    }
    await tf.setBackend('wasm');
  });
}

test('conv3dSame keeps no tensor beyond its result and gradients', async () => {
  await selectBackend('wasm');
  const x = tf.tensor5d(values(2 * 4 * 4 * 4 * 2, 1), [2, 4, 4, 4, 2]);
  const kernel = tf.tensor5d(values(27 * 2 * 3, 2), [3, 3, 3, 2, 3]);
  const before = tf.memory().numTensors;
  for (let repeat = 0; repeat < 3; repeat++) {
    const [dx, dKernel] = tf.grads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(conv3dSame(input as tf.Tensor5D, filter as tf.Tensor5D)))([x, kernel]);
    tf.dispose([dx, dKernel]);
  }
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, kernel]);
});

test('the kernel check names the missing kernel and the backends that have it', async () => {
  await selectBackend('wasm');
  assert.doesNotThrow(() => checkKernels('conv3d', ['Conv2D', 'Conv3DBackpropFilterV2'], 'wasm'));
  assert.throws(
    () => checkKernels('conv1d', ['Conv2D', 'Conv2DBackpropFilter'], 'wasm'),
    (error: unknown) => isGanpipeError(error) && error.code === 'GANPIPE_MODEL_UNSUPPORTED' && /backend wasm has no Conv2DBackpropFilter kernel/.test(error.message) && /--backend cpu/.test(error.message),
  );
});

test('bilinear ×2 upsampling: half-pixel centres, clamped edges, rows summing to one', async () => {
  const { bilinearUpsampling } = await import('../core/model/field-layers');
  // Source cells 0 and 1 → targets at source positions −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  assert.deepEqual([...bilinearUpsampling(2)], [1, 0.75, 0.25, 0, 0, 0.25, 0.75, 1]);
  const matrix = bilinearUpsampling(8);
  for (let target = 0; target < 16; target++) {
    let sum = 0;
    for (let source = 0; source < 8; source++) sum += matrix[source * 16 + target];
    assert.ok(Math.abs(sum - 1) < 1e-6, `target ${target} weights sum to ${sum}`);
  }
});
