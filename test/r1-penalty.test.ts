import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '../core/model/gan-model';
import { selectBackend } from '../core/backend/select-backend';
import { readEventLog } from '../core/events/event-log-reader';
import { createTestTrainer, smallConfig } from './support/run-helpers';

test("R1's second-order gradient through a LeakyReLU MLP matches finite differences", async () => {
  await selectBackend('wasm');
  const kernel1 = tf.variable(tf.randomNormal([2, 8], 0, 1, 'float32', 1));
  const bias1 = tf.variable(tf.randomNormal([8], 0, 0.1, 'float32', 4));
  const kernel2 = tf.variable(tf.randomNormal([8, 1], 0, 1, 'float32', 2));
  const input = tf.randomNormal([6, 2], 0, 1, 'float32', 3);
  const discriminator = (x: tf.Tensor) => tf.matMul(tf.leakyRelu(tf.add(tf.matMul(x as tf.Tensor2D, kernel1), bias1), 0.2), kernel2);
  const penalty = () => tf.mean(tf.sum(tf.square(tf.grad((x: tf.Tensor) => tf.sum(discriminator(x)))(input)), 1)) as tf.Scalar;
  try {
    const { value, grads } = tf.variableGrads(penalty, [kernel1, kernel2]);
    const analytic = (await grads[kernel2.name].data())[3];
    // Central difference on kernel2[3]: the penalty is quadratic in kernel2, so this is exact up to rounding.
    const shifted = (delta: number) =>
      tf.tidy(() => {
        const original = kernel2.arraySync() as number[][];
        const moved = original.map((row, index) => (index === 3 ? [row[0] + delta] : row));
        kernel2.assign(tf.tensor2d(moved));
        const result = penalty().dataSync()[0];
        kernel2.assign(tf.tensor2d(original));
        return result;
      });
    const numeric = (shifted(1e-2) - shifted(-1e-2)) / 2e-2;
    assert.ok(Math.abs(analytic - numeric) < 1e-3 * Math.max(1, Math.abs(numeric)), `analytic ${analytic} vs numeric ${numeric}`);
    assert.ok(Math.abs(analytic) > 1e-3, 'a gradient that is not trivially zero');
    value.dispose();
    Object.values(grads).forEach((gradient) => gradient.dispose());
  } finally {
    [kernel1, bias1, kernel2, input].forEach((tensor) => tensor.dispose());
  }
});

test('with r1Penalty, D trains differently but reports the same adversarial loss for the same weights', async () => {
  const losses = async (r1Penalty: number) => {
    const trainer = await createTestTrainer(smallConfig({ steps: 6, plugins: [], discriminator: { hiddenLayers: [16], r1Penalty } }));
    const before = tf.memory().numTensors;
    await trainer.run();
    assert.equal(tf.memory().numTensors, before, 'the penalty leaves no tensor behind');
    return readEventLog(trainer.runDir).events.flatMap((event) => (event.type === 'discriminator.stepped' ? [event.loss!] : []));
  };
  const plain = await losses(0);
  const penalized = await losses(10);
  assert.equal(penalized[0], plain[0], 'the first update starts from the same weights and batch: the reported loss leaves the penalty out');
  assert.notDeepEqual(penalized.slice(1), plain.slice(1), 'the penalty changed the updates');
  assert.ok(penalized.every(Number.isFinite));
});
