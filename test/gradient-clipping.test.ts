import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { readEventLog } from '../core/events/event-log-reader';
import { clipGradients, type ClipRule } from '../plugins/gradient-clipping/clip-gradients';
import { GradientClippingPlugin } from '../plugins/gradient-clipping';
import { SortedWindow } from '../plugins/gradient-clipping/sorted-window';
import { createTestTrainer, smallConfig } from './support/run-helpers';

function clip(gradients: Record<string, number[] | number[][]>, rule: ClipRule, weights?: Record<string, number[][]>) {
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(gradients).map(([name, values]) => [name, tf.tensor(values)]));
    const weightMap = weights && new Map(Object.entries(weights).map(([name, values]) => [name, tf.tensor(values)]));
    const { gradients: clipped, stats } = clipGradients(tensors, rule, weightMap);
    const [normBefore, normAfter, clippedFraction] = stats.arraySync();
    return { clipped: Object.fromEntries(Object.entries(clipped).map(([name, tensor]) => [name, tensor.arraySync()])), normBefore, normAfter, clippedFraction };
  });
}

const close = (actual: number, expected: number, tolerance = 1e-6) => assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} ≉ ${expected}`);
const closeAll = (actual: unknown, expected: number[]) => (actual as number[]).flat().forEach((value, index) => close(value, expected[index]));

test.before(async () => void (await selectBackend('wasm')));

test('value: each element clipped to ±value; fraction of elements changed', () => {
  const result = clip({ a: [3, -4, 0.5] }, { mode: 'value', value: 1 });
  closeAll(result.clipped.a, [1, -1, 0.5]);
  close(result.clippedFraction, 2 / 3);
  close(result.normBefore, Math.sqrt(25.25));
  close(result.normAfter, Math.sqrt(2.25));
});

test('norm: the global norm over all variables is scaled down to maxNorm, or left alone', () => {
  const clipped = clip({ a: [3], b: [4] }, { mode: 'norm', maxNorm: 1 });
  closeAll([clipped.clipped.a, clipped.clipped.b], [0.6, 0.8]);
  assert.deepEqual([clipped.clippedFraction, Math.round(clipped.normAfter * 1e6) / 1e6], [1, 1]);
  const untouched = clip({ a: [3], b: [4] }, { mode: 'norm', maxNorm: 10 });
  closeAll([untouched.clipped.a, untouched.clipped.b], [3, 4]);
  assert.equal(untouched.clippedFraction, 0);
});

test('layer-norm: each variable on its own; fraction of variables clipped', () => {
  const result = clip({ a: [3, 4], b: [0.1] }, { mode: 'layer-norm', maxNorm: 1 });
  closeAll(result.clipped.a, [0.6, 0.8]);
  closeAll(result.clipped.b, [0.1]);
  close(result.clippedFraction, 0.5);
});

test('agc: per output unit, ‖G‖ ≤ λ·max(‖W‖, ε); the output layer can be skipped', () => {
  // Kernel [in=2, out=2]: unit norms of W are 1 (column 0) and 0 → ε (column 1).
  const weights = { 'net/dense0/kernel': [[1, 0], [0, 0]], 'net/dense1/kernel': [[1]] };
  const gradients = { 'net/dense0/kernel': [[1, 1], [0, 1]], 'net/dense1/kernel': [[5]] };
  const result = clip(gradients, { mode: 'agc', lambda: 0.1, epsilon: 1e-3, skipOutputLayer: true }, weights);
  // Column 0: ‖G‖ = 1 > 0.1 → ×0.1. Column 1: ‖G‖ = √2 > 1e-4 → ×1e-4/√2.
  const scale1 = 1e-4 / Math.SQRT2;
  closeAll(result.clipped['net/dense0/kernel'], [0.1, scale1, 0, scale1]);
  closeAll(result.clipped['net/dense1/kernel'], [5]);
  close(result.clippedFraction, 1);
  const all = clip(gradients, { mode: 'agc', lambda: 0.1, epsilon: 1e-3, skipOutputLayer: false }, weights);
  closeAll(all.clipped['net/dense1/kernel'], [0.1]);
});

test('edge cases: all-zero gradients pass unchanged; NaN gradients do not throw or count as clipped', () => {
  for (const rule of [{ mode: 'norm', maxNorm: 1 }, { mode: 'layer-norm', maxNorm: 1 }, { mode: 'value', value: 1 }] as ClipRule[]) {
    const zero = clip({ a: [0, 0], b: [0] }, rule);
    closeAll([zero.clipped.a, zero.clipped.b], [0, 0, 0]);
    assert.equal(zero.clippedFraction, 0);
    assert.equal(zero.normBefore, 0);
    const nan = clip({ a: [NaN, 1] }, rule);
    assert.ok(Number.isNaN(nan.normBefore));
    assert.equal(nan.clippedFraction, 0);
  }
});

test('autoclip history: percentiles of a sliding window, non-finite norms ignored', () => {
  const window = new SortedWindow(5);
  assert.equal(window.percentile(10), undefined, 'no history yet');
  [5, 1, 4, NaN, 2, 3].forEach((value) => window.add(value));
  assert.equal(window.size, 5);
  assert.deepEqual([window.percentile(10), window.percentile(50), window.percentile(100)], [1, 3, 5]);
  window.add(10); // evicts 5, the oldest
  assert.deepEqual([window.percentile(10), window.percentile(100)], [1, 10]);
  window.add(0); // evicts 1
  assert.equal(window.percentile(10), 0);
  assert.equal(window.percentile(40), 2, 'window now holds 4, 2, 3, 10, 0');
});

test('in a run, autoclip clips G at the percentile of the norms recorded before, and records it', async () => {
  const plugin = new GradientClippingPlugin({ discriminator: false, generator: { mode: 'autoclip', percentile: 50 } });
  const trainer = await createTestTrainer(smallConfig({ steps: 30 }), [plugin]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const norms: number[] = [];
  let clippedEvents = 0;
  for (const event of events) {
    if (event.type === 'gradients.clipped') {
      clippedEvents++;
      assert.equal(event.net, 'generator');
      const sorted = [...norms.slice(0, -1)].sort((a, b) => a - b);
      const median = sorted[Math.ceil(sorted.length / 2) - 1];
      close(event.normAfter!, median, 1e-4);
      close(event.normBefore!, norms.at(-1)!, 1e-4);
      assert.equal(event.clippedFraction, 1);
    }
    if (event.type === 'generator.stepped') norms.push(event.gradNorm!);
  }
  assert.ok(clippedEvents >= 5, `${clippedEvents} clipping events`);
  assert.ok(!events.some((event) => event.type === 'gradients.clipped' && event.net === 'discriminator'));
});

test('bad options are refused when the plugin is created, naming the field', () => {
  assert.throws(() => new GradientClippingPlugin({ generator: { mode: 'norm', maxNorm: -1 } }), /gradient-clipping options\.generator\.maxNorm: must be > 0/);
  assert.throws(() => new GradientClippingPlugin({ generator: { mode: 'clamp' } }), /gradient-clipping options\.generator/);
});
