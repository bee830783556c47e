import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEventLog } from '../core/events/event-log-reader';
import type { EventOfType } from '../core/events/run-event';
import { CollapseDetectionPlugin } from '../plugins/collapse-detection';
import { SignalMonitor } from '../plugins/collapse-detection/signal-monitor';
import { assignToNearestMode } from '../core/metrics/mode-metrics';
import { blockMeans, diversityRatio, failingDrift, mannKendallZ, meanPairwiseDistance, modeCoverageAndEntropy } from '../plugins/collapse-detection/signals';
import { poisonDiscriminatorAt } from './support/poison-discriminator';
import { createTestTrainer, smallConfig } from './support/run-helpers';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);

test('mean pairwise distance and the diversity ratio, by hand', () => {
  close(meanPairwiseDistance(Float32Array.from([0, 0, 3, 4]), 2), 5);
  // Triangle (0,0), (3,0), (0,4): distances 3, 4, 5.
  close(meanPairwiseDistance(Float32Array.from([0, 0, 3, 0, 0, 4]), 2), 4);
  const real = Float32Array.from([0, 0, 3, 4]);
  close(diversityRatio(real, real, 2), 1);
  close(diversityRatio(Float32Array.from([1, 1, 1, 1]), real, 2), 0, );
  assert.ok(Number.isNaN(meanPairwiseDistance(Float32Array.from([1, 1]), 2)), 'one sample has no pairs');
});

test('mode coverage and normalised entropy of the mode histogram', () => {
  const modes = [[0, 0], [10, 0], [0, 10], [10, 10]];
  const everywhere = Float32Array.from(modes.flat());
  assert.deepEqual(modeCoverageAndEntropy(assignToNearestMode(everywhere, 2, modes, 0.1), modes.length), { coverage: 1, entropy: 1 });
  const oneMode = Float32Array.from([0, 0, 0, 0, 0, 0]);
  assert.deepEqual(modeCoverageAndEntropy(assignToNearestMode(oneMode, 2, modes, 0.1), modes.length), { coverage: 0.25, entropy: 0 });
  const twoModes = Float32Array.from([0, 0, 10, 0]);
  const result = modeCoverageAndEntropy(assignToNearestMode(twoModes, 2, modes, 0.1), modes.length);
  close(result.entropy, Math.log(2) / Math.log(4));
  // Far from every mode still counts for its nearest: (1, 1) is nearest (0, 0).
  assert.deepEqual(modeCoverageAndEntropy(assignToNearestMode(Float32Array.from([1, 1, 1, 1]), 2, modes, 0.1), modes.length), { coverage: 0.25, entropy: 0 });
  assert.deepEqual(modeCoverageAndEntropy(assignToNearestMode(Float32Array.from([NaN, NaN]), 2, modes, 0.1), modes.length), { coverage: 0, entropy: 0 });
  // A mode holding under 10 % of its fair share is not covered: 1 of 100 samples, fair share 25.
  const skewed = Float32Array.from([...Array.from({ length: 99 }, () => [0, 0]).flat(), 10, 10]);
  assert.equal(modeCoverageAndEntropy(assignToNearestMode(skewed, 2, modes, 0.1), modes.length).coverage, 0.25);
});

test('Mann–Kendall: a steady rise gives the textbook Z; noise-free flat and short series give 0', () => {
  const rising = Array.from({ length: 10 }, (_, index) => index);
  // S = 45, Var(S) = 10·9·25/18 = 125, Z = (45 − 1)/√125.
  close(mannKendallZ(rising), 44 / Math.sqrt(125));
  close(mannKendallZ([...rising].reverse()), -44 / Math.sqrt(125));
  assert.equal(mannKendallZ([1, 1, 1, 1, 1]), 0);
  assert.equal(mannKendallZ([1, 2]), 0, 'a window not yet full says nothing');
  close(mannKendallZ([0, NaN, 1, 2]), (3 - 1) / Math.sqrt((3 * 2 * 11) / 18));
});

test('failing drift: only the failing direction, only a large enough move, on block means', () => {
  const falling = Array.from({ length: 100 }, (_, index) => 1.4 - index * 0.01); // 1.4 → 0.41
  const rising = [...falling].reverse();
  const expectedZ = -mannKendallZ(blockMeans(falling, 10));
  close(failingDrift(falling, 'falling', 10, 0.25), expectedZ);
  assert.ok(expectedZ > 3.5);
  assert.equal(failingDrift(rising, 'falling', 10, 0.25), 0, 'D loss climbing is healthy');
  assert.ok(failingDrift(rising, 'rising', 10, 0.25) > 3.5);
  const gentle = Array.from({ length: 100 }, (_, index) => 1.4 - index * 0.001); // 7 % move
  assert.equal(failingDrift(gentle, 'falling', 10, 0.25), 0);
  assert.equal(failingDrift([1, 0.5], 'falling', 10, 0.25), 0, 'a window not yet full');
  assert.deepEqual(blockMeans([1, 2, 3, 4, 5, 6, 7], 3), [1.5, 3.5, 5.5]);
});

test('a signal monitor: suspected at the first crossing, detected after the confirmations, then recovered', () => {
  const monitor = new SignalMonitor('diversity-ratio', 0.5, 'below', 3);
  const transitions = [0.9, 0.4, 0.3, 0.2, 0.1, 0.8, 0.9].map((value, index) => monitor.observe(value, index * 10));
  assert.deepEqual(transitions, [undefined, 'suspected', undefined, 'detected', undefined, 'recovered', undefined]);
  const flicker = new SignalMonitor('x', 0.5, 'below', 3);
  assert.deepEqual([0.4, 0.6, 0.4].map((value) => flicker.observe(value, 0)), ['suspected', 'recovered', 'suspected']);
  const nonFinite = new SignalMonitor('non-finite', 0, 'above', 1);
  assert.equal(nonFinite.observe(NaN, 7), 'detected');
  assert.equal(nonFinite.onsetStep, 7);
});

test('in a run: a generator that never learns is detected from its samples, and action "stop" ends the run', async () => {
  const detector = new CollapseDetectionPlugin({ checkEvery: 4, warmupSteps: 0, confirmations: 2, sampleSize: 128, drift: false, vanishingGradients: false, action: 'stop' });
  // Learning rate ~0: G stays at its initialisation, a blob far narrower than the ring.
  const trainer = await createTestTrainer(smallConfig({ steps: 40, generator: { hiddenLayers: [16], learningRate: 1e-9 } }), [detector]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const suspected = events.find((event) => event.type === 'collapse.suspected');
  const detected = events.find((event) => event.type === 'collapse.detected');
  assert.ok(suspected && suspected.type === 'collapse.suspected' && suspected.step === 4);
  assert.ok(detected && detected.type === 'collapse.detected' && detected.step === 8);
  assert.ok(detected.value !== null && detected.value < detected.threshold);
  const finished = events.at(-1)!;
  assert.ok(finished.type === 'run.finished' && finished.reason === 'stopped' && /collapse detected: (diversity-ratio|mode-coverage|mode-entropy)/.test(finished.detail ?? ''));
  assert.equal(trainer.state.collapse.status, 'detected');
});

test('in a run: non-finite losses are detected at once, even during warm-up', async () => {
  const poison = poisonDiscriminatorAt(3);
  const trainer = await createTestTrainer(smallConfig({ steps: 6 }), [poison, new CollapseDetectionPlugin({ warmupSteps: 1000 })]);
  await trainer.run();
  const detected = readEventLog(trainer.runDir, { strict: true }).events.filter((event) => event.type === 'collapse.detected');
  assert.equal(detected.length, 1);
  assert.ok(detected[0].type === 'collapse.detected' && detected[0].signal === 'non-finite' && detected[0].value === null && detected[0].step === 3);
});

test('in a run without modes: MMD climbing from its best is suspected, then detected, from eval.completed', async () => {
  // Scripted MMD at the evaluations of steps 2, 4, …, 10, through the evaluate hook (as a metric plugin would).
  const scripted = [0.2, 0.1, 0.25, 0.35, 0.5];
  const scriptMmd = { name: 'scripted-mmd', apply: (trainer: import('../core/trainer/plugin').PluginHost) => trainer.hooks.evaluate.tap('scripted-mmd', (metrics, { step }) => ({ ...metrics, mmd: scripted[step / 2 - 1] })) };
  const detector = new CollapseDetectionPlugin({ warmupSteps: 0, checkEvery: 1000, diversityRatio: false, drift: false, vanishingGradients: false, action: 'warn' });
  const trainer = await createTestTrainer({ dataset: 'sines', steps: 10, batchSize: 16, evaluation: { every: 2, samples: 50, discriminativeScore: false }, plugins: [] }, [scriptMmd, detector]);
  await trainer.run();
  const decisions = readEventLog(trainer.runDir, { strict: true }).events.filter(
    (event): event is EventOfType<'collapse.suspected' | 'collapse.detected' | 'collapse.recovered'> => event.type === 'collapse.suspected' || event.type === 'collapse.detected' || event.type === 'collapse.recovered',
  );
  // Lowest 0.1 at step 4; 0.25/0.1 = 2.5 is within 3; 0.35/0.1 = 3.5 and 0.5/0.1 = 5 are not.
  assert.deepEqual(
    decisions.map((event) => [event.type, event.step, event.signal, Number(event.value?.toFixed(6)), event.threshold]),
    [['collapse.suspected', 8, 'mmd-rise', 3.5, 3], ['collapse.detected', 10, 'mmd-rise', 5, 3]],
  );
});

test('bad options are refused with the field named', () => {
  assert.throws(() => new CollapseDetectionPlugin({ checkEvery: 0 }), /collapse-detection options\.checkEvery: must be ≥ 1/);
  assert.throws(() => new CollapseDetectionPlugin({ action: 'panic' }), /collapse-detection options\.action: "panic" is not one of warn, stop/);
});
