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

const xShape = [2, 4, 6, 8, 3] as const;
const kernelShape = [3, 3, 3, 3, 4] as const;
const outputShape = [2, 4, 6, 8, 4] as const;
const size = (shape: readonly number[]) => shape.reduce((product, dimension) => product * dimension, 1);

/** Gradients of Σ w ⊙ conv(x, k) w.r.t. x and k, on the given backend. */
async function gradients(backend: string, convolution: (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.Tensor5D): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend(backend);
  const x = tf.tensor5d(values(size(xShape), 7), [...xShape]);
  const kernel = tf.tensor5d(values(size(kernelShape), 9), [...kernelShape]);
  const weights = tf.tensor5d(values(size(outputShape), 3), [...outputShape]);
  const [dx, dKernel] = tf.grads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(tf.mul(convolution(input as tf.Tensor5D, filter as tf.Tensor5D), weights)))([x, kernel]);
  const result: [Float32Array, Float32Array] = [(await dx.data()) as Float32Array, (await dKernel.data()) as Float32Array];
  tf.dispose([x, kernel, weights, dx, dKernel]);
  return result;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - b[index])), 0);
}

const native = (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.conv3d(x, kernel, 1, 'same');

test("conv3dSame's gradients on wasm equal tf.conv3d's on cpu (the reference: it matches central differences)", async () => {
  await selectBackend('wasm');
  const [referenceDx, referenceDKernel] = await gradients('cpu', native);
  const [dx, dKernel] = await gradients('wasm', conv3dSame);
  assert.ok(maxDifference(dx, referenceDx) < 1e-4, `input gradient differs by ${maxDifference(dx, referenceDx)}`);
  assert.ok(maxDifference(dKernel, referenceDKernel) < 1e-4, `kernel gradient differs by ${maxDifference(dKernel, referenceDKernel)}`);
  const [cpuDx, cpuDKernel] = await gradients('cpu', conv3dSame);
  assert.ok(maxDifference(cpuDx, referenceDx) < 1e-5 && maxDifference(cpuDKernel, referenceDKernel) < 1e-5);
  await tf.setBackend('wasm');
});

test('the kernel check names the missing kernel and the backends that have it', async () => {
  await selectBackend('wasm');
  assert.doesNotThrow(() => checkKernels('conv3d', ['Conv3D', 'Conv3DBackpropFilterV2'], 'wasm'));
  assert.throws(
    () => checkKernels('conv1d', ['Conv2D', 'Conv2DBackpropFilter'], 'wasm'),
    (error: unknown) => isGanpipeError(error) && error.code === 'GANPIPE_MODEL_UNSUPPORTED' && /backend wasm has no Conv2DBackpropFilter kernel/.test(error.message) && /--backend cpu/.test(error.message),
  );
});

test('bilinear ×2 upsampling: half-pixel centres, clamped edges, rows summing to one', async () => {
  const { bilinearUpsampling } = await import('../core/model/field-networks');
  // Source cells 0 and 1 → targets at source positions −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
  assert.deepEqual([...bilinearUpsampling(2)], [1, 0.75, 0.25, 0, 0, 0.25, 0.75, 1]);
  const matrix = bilinearUpsampling(8);
  for (let target = 0; target < 16; target++) {
    let sum = 0;
    for (let source = 0; source < 8; source++) sum += matrix[source * 16 + target];
    assert.ok(Math.abs(sum - 1) < 1e-6, `target ${target} weights sum to ${sum}`);
  }
});
