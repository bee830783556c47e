import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { discriminativeScore } from '../core/metrics/discriminative-score';
import { SeededRandom } from '../core/util/seeded-random';

function gaussian(rows: number, dimension: number, seed: number, mean = 0): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: rows * dimension }, () => mean + random.nextNormal());
}

test.before(async () => void (await selectBackend('cpu')));

test('two draws from the same Gaussian: the classifier finds nothing (score < 0.1); no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const result = await discriminativeScore(gaussian(600, 8, 1), gaussian(600, 8, 2), 8, { seed: 7 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.testCount, 240);
  assert.ok(result.score < 0.1, `score ${result.score}`);
  assert.equal(result.score, Math.abs(result.testAccuracy - 0.5));
});

test('means 0 and 1.5 in 8 dimensions: told apart (score > 0.35); no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const result = await discriminativeScore(gaussian(600, 8, 3), gaussian(600, 8, 4, 1.5), 8, { seed: 7 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(result.score > 0.35, `score ${result.score}`);
  // Right, not consistently wrong: |accuracy − 0.5| alone cannot tell the two apart.
  assert.ok(result.testAccuracy > 0.85, `accuracy ${result.testAccuracy}`);
});

test('the same seed gives the same score; unequal counts are cut to the smaller', async () => {
  const real = gaussian(300, 4, 5);
  const generated = gaussian(200, 4, 6, 0.5);
  const options = { seed: 11, trainingSteps: 60 };
  const first = await discriminativeScore(real, generated, 4, options);
  assert.deepEqual(await discriminativeScore(real, generated, 4, options), first);
  assert.equal(first.testCount, 2 * 40); // 20% of 200 per class
});

test('a NaN or an infinity in either set gives NaN, never a reassuring 0', async () => {
  const samples = gaussian(50, 4, 9);
  const broken = Float32Array.from(samples);
  broken[17] = NaN;
  assert.ok(Number.isNaN((await discriminativeScore(samples, broken, 4, { seed: 1 })).score));
  broken[17] = Infinity;
  assert.ok(Number.isNaN((await discriminativeScore(broken, samples, 4, { seed: 1 })).score));
});

test('bad arguments are rejected before any tensor is made', async () => {
  const samples = gaussian(20, 4, 8);
  const before = tf.memory().numTensors;
  await assert.rejects(discriminativeScore(samples, samples.subarray(1), 4, { seed: 1 }), /not a whole number of rows/);
  await assert.rejects(discriminativeScore(samples, samples, 4, { seed: 1, testFraction: 1 }), /testFraction/);
  await assert.rejects(discriminativeScore(samples.subarray(0, 4), samples, 4, { seed: 1 }), /no test or no training/);
  await assert.rejects(discriminativeScore(samples, samples, 4, { seed: 1, hiddenUnits: 0 }), /hiddenUnits/);
  assert.equal(tf.memory().numTensors, before);
});
