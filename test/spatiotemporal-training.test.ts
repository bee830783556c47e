import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readEventLog } from '../core/events/event-log-reader';
import type { EventOfType } from '../core/events/run-event';
import { createTestTrainer, runCli, temporaryDirectory } from './support/run-helpers';

const csvFixture = (name: string) => path.resolve(__dirname, '../../test/fixtures/csv', name);

function evaluations(runDir: string): EventOfType<'eval.completed'>[] {
  return readEventLog(runDir, { strict: true }).events.filter((event): event is EventOfType<'eval.completed'> => event.type === 'eval.completed');
}

const sequenceMetrics = ['mmd', 'mmdBandwidth', 'acfDistance', 'crossCorrelationDistance', 'psdDistance', 'discriminativeScore'];

test('sines trains end to end; every evaluation publishes the sequence metrics, per-feature ACF included', async () => {
  const trainer = await createTestTrainer({ dataset: 'sines', steps: 20, batchSize: 32, evaluation: { every: 10, samples: 120 }, plugins: [] });
  await trainer.run();
  const evaluated = evaluations(trainer.runDir);
  assert.deepEqual(evaluated.map((event) => event.step), [10, 20]);
  for (const { metrics } of evaluated) {
    for (const name of [...sequenceMetrics, 'acfDistance.sine0', 'acfDistance.sine4']) assert.ok(Number.isFinite(metrics[name]), `${name} = ${metrics[name]}`);
    assert.ok(metrics.discriminativeScore! >= 0 && metrics.discriminativeScore! <= 0.5);
  }
  // The reference set and its bandwidth are fixed for the run.
  assert.equal(evaluated[0].metrics.mmdBandwidth, evaluated[1].metrics.mmdBandwidth);
});

test('blobs trains with 3-D convolutions, counts its velocity modes, and leaks no tensor', async () => {
  const counts: number[] = [];
  const before = tf.memory().numTensors;
  const probe = { name: 'memory-probe', apply: (trainer: import('../core/trainer/plugin').PluginHost) => trainer.hooks.afterStep.tap('memory-probe', () => void counts.push(tf.memory().numTensors)) };
  const trainer = await createTestTrainer({ dataset: 'blobs', steps: 6, batchSize: 8, evaluation: { every: 3, samples: 40 } }, [probe]);
  await trainer.run();
  assert.ok(counts.every((count) => count === counts[0]), `numTensors per step: ${counts.join(', ')}`);
  assert.equal(tf.memory().numTensors, before);
  const [first] = evaluations(trainer.runDir);
  for (const name of ['modesCovered', 'highQualityFraction', 'mmd', 'acfDistance', 'psdDistance', 'moransIDifference', 'discriminativeScore']) {
    assert.ok(name in first.metrics, `${name} missing from ${JSON.stringify(first.metrics)}`);
  }
  const started = readEventLog(trainer.runDir).events[0];
  assert.equal(started.type === 'run.started' && (started.config as { model: string }).model, 'auto');
});

test('ganpipe train --dataset seattle-weather runs on the real series and reports its metrics', () => {
  const out = temporaryDirectory();
  const result = runCli(['train', '--dataset', 'seattle-weather', '--steps', '10', '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /acfDistance\.temperature [0-9.]+/);
  const [runDir] = fs.readdirSync(out);
  const [final] = evaluations(path.join(out, runDir)).slice(-1);
  for (const name of [...sequenceMetrics, 'acfDistance.pressure', 'acfDistance.wind']) assert.ok(Number.isFinite(final.metrics[name]), name);
});

test("a csv dataset trains from the user's file; a bad file fails before anything is written, naming line and column", () => {
  const out = temporaryDirectory();
  const configFile = path.join(out, 'config.json');
  const csv = { path: csvFixture('good.csv'), timeColumn: 'time', featureColumns: ['index', 'temperature'], window: 4, stride: 1 };
  fs.writeFileSync(configFile, JSON.stringify({ dataset: 'csv', csv, steps: 4, evaluation: { samples: 20 } }));
  const good = runCli(['train', '--config', configFile, '--out', out]);
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /acfDistance\.temperature/);

  fs.writeFileSync(configFile, JSON.stringify({ dataset: 'csv', csv: { path: csvFixture('non-numeric.csv'), timeColumn: 'date', featureColumns: ['pressure', 'temperature'], window: 2 } }));
  const runsBefore = fs.readdirSync(out).length;
  const bad = runCli(['train', '--config', configFile, '--out', out]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /non-numeric\.csv:4: column "temperature": "abc" is not a number/);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.equal(fs.readdirSync(out).length, runsBefore, 'no run directory was created');
});

test('config errors for the spatiotemporal settings name the field', () => {
  const out = temporaryDirectory();
  const configFile = path.join(out, 'config.json');
  const cases: [object, RegExp][] = [
    [{ dataset: 'csv' }, /csv: dataset "csv" needs a "csv" section/],
    [{ dataset: 'sines', csv: { path: 'x.csv', timeColumn: 't', featureColumns: ['a'] } }, /csv: is only read when dataset is "csv"/],
    [{ dataset: 'sines', model: 'conv3d' }, /model: "conv3d" needs a field dataset/],
    [{ dataset: 'blobs', batchSize: 30 }, /batchSize: 30 must be a multiple of 4 for the advection model/],
    [{ dataset: 'blobs', model: 'temporal-conv' }, /model: "temporal-conv" needs a sequence dataset/],
    [{ dataset: 'timegan-sines', model: 'advection' }, /model: "advection" needs a field dataset/],
    [{ dataset: 'sines', model: 'temporal-conv', temporalConv: { kernelSize: 4 } }, /temporalConv\.kernelSize/],
    [{ dataset: 'grid25', learningRateDecay: { startFraction: 1 } }, /learningRateDecay/],
    [{ dataset: 'csv', csv: { path: 'missing.csv', timeColumn: 't', featureColumns: ['a'] } }, /missing\.csv: no such file/],
  ];
  for (const [config, message] of cases) {
    fs.writeFileSync(configFile, JSON.stringify(config));
    const result = runCli(['train', '--config', configFile, '--out', out]);
    assert.equal(result.status, 2, `${JSON.stringify(config)}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});
