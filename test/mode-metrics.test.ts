import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignToNearestMode, modeMetrics } from '../core/metrics/mode-metrics';

const metricsOf = (samples: Float32Array, dimension: number, modes: number[][], modeStd: number) => modeMetrics(assignToNearestMode(samples, dimension, modes, modeStd), modes.length);

const modes = [[0, 0], [10, 0], [0, 10], [10, 10]];

test('samples on every mode: all covered, all high quality, zero reverse KL', () => {
  const samples = Float32Array.from(modes.flatMap((mode) => [...mode, ...mode]));
  assert.deepEqual(metricsOf(samples, 2, modes, 0.1), { modesCovered: 4, highQualityFraction: 1, reverseKL: 0 });
});

test('one covered mode of four: reverse KL is log 4; far samples are not high quality', () => {
  // Two samples on mode 0, one 0.29 away (within 3 std = 0.3), one 0.31 away (outside).
  const samples = Float32Array.from([0, 0, 0, 0, 0.29, 0, 0.31, 0]);
  const metrics = metricsOf(samples, 2, modes, 0.1);
  assert.equal(metrics.modesCovered, 1);
  assert.equal(metrics.highQualityFraction, 0.75);
  assert.ok(Math.abs((metrics.reverseKL ?? NaN) - Math.log(4)) < 1e-12);
});

test('two modes with a 3:1 split: reverse KL by hand', () => {
  const samples = Float32Array.from([0, 0, 0, 0, 0, 0, 10, 0]);
  const expected = 0.75 * Math.log(0.75 / 0.25) + 0.25 * Math.log(0.25 / 0.25);
  const metrics = metricsOf(samples, 2, modes, 0.1);
  assert.equal(metrics.modesCovered, 2);
  assert.ok(Math.abs((metrics.reverseKL ?? NaN) - expected) < 1e-12);
});

test('no high-quality sample (or NaN samples): nothing covered, reverse KL undefined', () => {
  const samples = Float32Array.from([5, 5, NaN, NaN]);
  assert.deepEqual(metricsOf(samples, 2, modes, 0.1), { modesCovered: 0, highQualityFraction: 0, reverseKL: null });
});
