import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { grid25, ring8 } from '../core/data/gaussian-mixture';
import { GanModel } from '../core/model/gan-model';
import { SeededRandom } from '../core/util/seeded-random';
import { selectBackend } from '../core/backend/select-backend';
import { parseTrainConfig } from './support/parse-config';

test('a Gaussian mixture declares the mean and std its samples have', () => {
  for (const dataset of [ring8(), grid25()]) {
    const count = 200_000;
    const samples = dataset.sample(count, new SeededRandom(7));
    for (let axis = 0; axis < 2; axis++) {
      let sum = 0;
      let squares = 0;
      for (let row = 0; row < count; row++) sum += samples[2 * row + axis];
      const mean = sum / count;
      for (let row = 0; row < count; row++) squares += (samples[2 * row + axis] - mean) ** 2;
      const std = Math.sqrt(squares / count);
      const declared = dataset.standardization!;
      assert.ok(Math.abs(mean - declared.mean[axis]) < 0.02 * declared.std[axis], `${dataset.name} axis ${axis}: mean ${mean} vs ${declared.mean[axis]}`);
      assert.ok(Math.abs(std / declared.std[axis] - 1) < 0.01, `${dataset.name} axis ${axis}: std ${std} vs ${declared.std[axis]}`);
    }
  }
  assert.ok(Math.abs(grid25().standardization!.std[0] - Math.sqrt(8 + 0.05 ** 2)) < 1e-12, 'grid25: modes at ±4, ±2, 0 have variance 8');
});

test('with a declared standardization, G works in standardized units and its samples come out in data units', async () => {
  await selectBackend('wasm');
  const dataset = grid25();
  const model = new GanModel(parseTrainConfig({ dataset: 'grid25', plugins: [] }), dataset, new SeededRandom(3));
  try {
    const before = tf.memory().numTensors;
    const [generated, raw] = tf.tidy(() => {
      const z = model.noise(16, 5);
      return [model.generateTensor(z).arraySync() as number[][], model.generator.network.apply(z).arraySync() as number[][]];
    });
    const { mean, std } = dataset.standardization!;
    generated.forEach((row, index) => row.forEach((value, axis) => assert.ok(Math.abs(value - (raw[index][axis] * std[axis] + mean[axis])) < 1e-4)));
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});
