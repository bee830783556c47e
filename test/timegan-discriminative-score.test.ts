import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { timeganDiscriminativeScore } from '../core/metrics/timegan-discriminative-score';
import { drawTimeganSines } from '../core/data/timegan-sines';
import { SeededRandom } from '../core/util/seeded-random';

const length = 24;
const features = 5;

/**
 * TimeGAN's sines (sine_data_generation): over 24 steps these mostly rise, so the same
 * sequences reversed in time are clearly different; sinusoids with a phase uniform over a
 * whole turn would not do for that test, as reversing one gives another of the same law.
 */
const sines = (count: number, seed: number) => drawTimeganSines(count, new SeededRandom(seed));

function reversedInTime(samples: Float32Array): Float32Array {
  const reversed = new Float32Array(samples.length);
  for (let start = 0; start < samples.length; start += length * features) {
    for (let time = 0; time < length; time++) {
      const from = start + (length - 1 - time) * features;
      reversed.set(samples.subarray(from, from + features), start + time * features);
    }
  }
  return reversed;
}

test.before(async () => void (await selectBackend('wasm')));

// 600 of TimeGAN's 2000 iterations keep each of these two tests to a few seconds on wasm;
// the reversed sines are already told apart almost perfectly by then.
test('two draws of TimeGAN sines: the GRU finds nothing to tell (score < 0.1); no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const result = await timeganDiscriminativeScore(sines(1000, 1), sines(1000, 2), length, features, { seed: 7, iterations: 600 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(result.testCount, 400);
  assert.ok(result.score < 0.1, `score ${result.score}`);
  assert.equal(result.score, Math.abs(result.testAccuracy - 0.5));
});

test('sines against the same sines reversed in time: told apart (score > 0.3); no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const result = await timeganDiscriminativeScore(sines(1000, 3), reversedInTime(sines(1000, 4)), length, features, { seed: 7, iterations: 600 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(result.score > 0.3, `score ${result.score}`);
  // Right, not consistently wrong: |accuracy − 0.5| alone cannot tell the two apart.
  assert.ok(result.testAccuracy > 0.8, `accuracy ${result.testAccuracy}`);
});

test('the same seed gives the same result; unequal counts are cut to the smaller and split 80/20', async () => {
  // Sines against noisy sines, stopped while the classifier is half-trained, so that the
  // accuracy depends on every minibatch drawn.
  const real = sines(400, 5);
  const noise = new SeededRandom(6);
  const generated = sines(300, 6).map((value) => value + 0.3 * noise.nextNormal());
  const options = { seed: 11, iterations: 200 };
  const first = await timeganDiscriminativeScore(real, generated, length, features, options);
  assert.deepEqual(await timeganDiscriminativeScore(real, generated, length, features, options), first);
  assert.equal(first.testCount, 2 * 60); // 300 per class: ⌊300 · 0.8⌋ = 240 to train, 60 to test
  assert.ok(first.testAccuracy > 0.55 && first.testAccuracy < 0.95, `accuracy ${first.testAccuracy}: not half-trained`);
});

test('a NaN or an infinity in either set gives NaN, never a reassuring 0', async () => {
  const samples = sines(50, 9);
  const broken = Float32Array.from(samples);
  broken[17] = NaN;
  assert.ok(Number.isNaN((await timeganDiscriminativeScore(samples, broken, length, features, { seed: 1 })).score));
  broken[17] = Infinity;
  assert.ok(Number.isNaN((await timeganDiscriminativeScore(broken, samples, length, features, { seed: 1 })).testAccuracy));
});

test('bad arguments are rejected before any tensor is made', async () => {
  const samples = sines(20, 8);
  const before = tf.memory().numTensors;
  await assert.rejects(timeganDiscriminativeScore(samples, samples.subarray(1), length, features, { seed: 1 }), /not a whole number of samples/);
  await assert.rejects(timeganDiscriminativeScore(samples, samples, length, features, { seed: 1, testFraction: 1 }), /testFraction/);
  await assert.rejects(timeganDiscriminativeScore(samples.subarray(0, length * features), samples, length, features, { seed: 1 }), /no test or no training/);
  await assert.rejects(timeganDiscriminativeScore(samples, samples, length, features, { seed: 1, hiddenUnits: 0 }), /hiddenUnits/);
  await assert.rejects(timeganDiscriminativeScore(samples, samples, length, features, { seed: 1, iterations: 2.5 }), /iterations/);
  await assert.rejects(timeganDiscriminativeScore(samples, samples, 0, features, { seed: 1 }), /length/);
  assert.equal(tf.memory().numTensors, before);
});
