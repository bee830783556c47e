import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { createDataset } from '../core/data/datasets';
import { drawTimeganSines } from '../core/data/timegan-sines';
import { timeganPredictiveScore } from '../core/metrics/timegan-predictive-score';
import { SeededRandom } from '../core/util/seeded-random';

const [length, features] = [24, 5];

test("timegan-sines is TimeGAN's released sine_data_generation: (sin(f·j + θ) + 1)/2 with f, θ in [0, 0.1), integer j", () => {
  const dataset = createDataset({ dataset: 'timegan-sines', seed: 1 });
  assert.deepEqual(dataset.sampleShape, [length, features]);
  const samples = dataset.sample(500, new SeededRandom(3));
  for (let sample = 0; sample < 500; sample++) {
    for (let feature = 0; feature < features; feature++) {
      const value = (step: number) => samples[(sample * length + step) * features + feature];
      // f + θ < 0.2 rad, far below π/2: the first two steps give θ and f back exactly.
      const phase = Math.asin(2 * value(0) - 1);
      const frequency = Math.asin(2 * value(1) - 1) - phase;
      assert.ok(phase >= -1e-6 && phase < 0.1 + 1e-6 && frequency >= -1e-5 && frequency < 0.1 + 1e-5, `sample ${sample}, feature ${feature}: f ${frequency}, θ ${phase}`);
      for (let step = 0; step < length; step++) assert.ok(Math.abs(value(step) - (Math.sin(frequency * step + phase) + 1) * 0.5) < 1e-5, `step ${step}`);
    }
  }
});

test('timegan-sines is one fixed set of 10,000 sequences, whatever the run seed, which evaluation draws from too', () => {
  const sequenceSize = length * features;
  const fixedSet = drawTimeganSines(10_000, new SeededRandom(20190));
  const key = (values: Float32Array, at: number) => values.subarray(at * sequenceSize, (at + 1) * sequenceSize).join(',');
  const members = new Set(Array.from({ length: 10_000 }, (_, index) => key(fixedSet, index)));
  for (const seed of [1, 2]) {
    const dataset = createDataset({ dataset: 'timegan-sines', seed });
    for (const drawn of [dataset.sample(50, new SeededRandom(seed)), dataset.evaluationSample(50, new SeededRandom(seed + 9))]) {
      for (let index = 0; index < 50; index++) assert.ok(members.has(key(drawn, index)), `seed ${seed}: sample ${index} is not one of the set`);
    }
  }
});

test.before(async () => void (await selectBackend('wasm')));

// 600 of TimeGAN's 5,000 iterations: enough for the predictor to learn the real structure.
test('the predictive score: a predictor trained on sines predicts real sines far better than one trained on noise; deterministic; no tensor left behind', async () => {
  const real = drawTimeganSines(1000, new SeededRandom(1));
  const sameLaw = drawTimeganSines(1000, new SeededRandom(2));
  const noiseRandom = new SeededRandom(3);
  const noise = sameLaw.map(() => noiseRandom.next());
  const before = tf.memory().numTensors;
  const good = await timeganPredictiveScore(real, sameLaw, length, features, { seed: 1, iterations: 600 });
  const bad = await timeganPredictiveScore(real, noise, length, features, { seed: 1, iterations: 600 });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(good < 0.15 && bad > 0.2 && bad > 2 * good, `trained on sines ${good}, on noise ${bad}`);
  assert.equal(await timeganPredictiveScore(real, sameLaw, length, features, { seed: 1, iterations: 600 }), good);
});

test('the predictive score is NaN for non-finite samples and rejects bad arguments before making a tensor', async () => {
  const samples = drawTimeganSines(20, new SeededRandom(4));
  const broken = Float32Array.from(samples);
  broken[3] = NaN;
  assert.ok(Number.isNaN(await timeganPredictiveScore(samples, broken, length, features, { seed: 1, iterations: 2 })));
  const before = tf.memory().numTensors;
  await assert.rejects(timeganPredictiveScore(samples, samples.subarray(1), length, features, { seed: 1 }), /not a whole number of samples/);
  await assert.rejects(timeganPredictiveScore(samples, samples, length * features, 1, { seed: 1 }), /at least 2 features/);
  await assert.rejects(timeganPredictiveScore(samples, samples, length, features, { seed: 1, iterations: 0 }), /iterations/);
  assert.equal(tf.memory().numTensors, before);
});
