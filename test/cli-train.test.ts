import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../core/events/event-log-reader';
import { runCli, temporaryDirectory } from './support/run-helpers';

function onlyRunDir(out: string): string {
  const runs = fs.readdirSync(out);
  assert.equal(runs.length, 1, `one run directory in ${out}`);
  return path.join(out, runs[0]);
}

function writeConfig(config: unknown): string {
  const file = path.join(temporaryDirectory(), 'config.json');
  fs.writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

test('`ganpipe train --dataset ring8 --steps 300 --seed 7` twice: identical losses, a complete log and a summary', () => {
  const losses: (number | null)[][] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = temporaryDirectory();
    const result = runCli(['train', '--dataset', 'ring8', '--steps', '300', '--seed', '7', '--out', out]);
    assert.equal(result.status, 0, result.stderr);
    const { events, problems } = readEventLog(onlyRunDir(out), { strict: true });
    assert.deepEqual(problems, []);
    assert.equal(events[0].type, 'run.started');
    assert.equal(events.at(-1)!.type, 'run.finished');
    const evaluation = events.find((event) => event.type === 'eval.completed');
    assert.ok(evaluation && evaluation.type === 'eval.completed');
    assert.ok(['modesCovered', 'highQualityFraction', 'reverseKL'].every((name) => name in evaluation.metrics));
    losses.push(events.flatMap((event) => (event.type === 'discriminator.stepped' || event.type === 'generator.stepped' ? [event.loss] : [])));
    assert.match(result.stdout, /completed: 300 steps in .* on wasm/);
    assert.match(result.stdout, /final metrics \(step 300\): modesCovered \d+, highQualityFraction [\d.]+, reverseKL/);
    assert.match(result.stdout, /event log: .*events\.ndjson \(\d+ events\)/);
    // The default plugins acted, and the summary says so.
    assert.match(result.stdout, /plugin decisions: .*gradients\.clipped ×\d+/);
    assert.match(result.stdout, /plugin decisions: .*schedule\.changed ×\d+/);
    assert.ok(events.some((event) => event.type === 'gradients.clipped') && events.some((event) => event.type === 'schedule.changed'));
  }
  assert.ok(losses[0].length >= 600, 'at least one D and one G update per step');
  assert.deepEqual(losses[1], losses[0]);
});

test('flags override the config file', () => {
  const out = temporaryDirectory();
  const config = writeConfig({ steps: 500, seed: 1, batchSize: 16, generator: { hiddenLayers: [8] }, discriminator: { hiddenLayers: [8] } });
  const result = runCli(['train', '--config', config, '--steps', '3', '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  const started = readEventLog(onlyRunDir(out)).events[0];
  assert.ok(started.type === 'run.started');
  assert.equal(started.config.steps, 3);
  assert.equal(started.config.batchSize, 16);
});

const badInputs: { name: string; args: () => string[]; message: RegExp }[] = [
  { name: 'unknown key in the config file', args: () => ['--config', writeConfig({ generator: { hiddenLayer: [8] } })], message: /config file .*config\.json: generator: unknown key "hiddenLayer"/ },
  { name: 'wrong type in the config file', args: () => ['--config', writeConfig({ batchSize: 'big' })], message: /batchSize: expected number, got string/ },
  { name: 'out-of-range value in the config file', args: () => ['--config', writeConfig({ generator: { learningRate: -1 } })], message: /generator\.learningRate: must be > 0/ },
  { name: 'config file that is not JSON', args: () => ['--config', writeConfig('{ steps: 3 ')], message: /config file .*config\.json: not valid JSON/ },
  { name: 'missing config file', args: () => ['--config', '/nonexistent/config.json'], message: /config file \/nonexistent\/config\.json: no such file/ },
  { name: 'non-numeric --steps', args: () => ['--steps', 'lots'], message: /--steps: expected a whole number, got "lots"/ },
  { name: 'out-of-range --steps', args: () => ['--steps', '0'], message: /--steps: must be ≥ 1/ },
  { name: 'unknown dataset', args: () => ['--dataset', 'mnist'], message: /--dataset: "mnist" is not one of ring8, grid25/ },
  { name: 'unknown backend', args: () => ['--backend', 'tpu'], message: /--backend: "tpu" is not one of auto, tensorflow-gpu, tensorflow, wasm, cpu/ },
  { name: 'backend that cannot load here', args: () => ['--backend', 'tensorflow'], message: /--backend tensorflow: package not installed; available here: .*wasm, cpu/ },
  { name: 'unknown plugin', args: () => ['--config', writeConfig({ plugins: ['no-such-plugin'] })], message: /plugins\[0\] \(no-such-plugin\): unknown plugin "no-such-plugin"/ },
  { name: 'missing plugin module', args: () => ['--config', writeConfig({ plugins: [{ name: './missing-plugin.js', options: {} }] })], message: /plugins\[0\] \(\/.*\/missing-plugin\.js\): plugin module .*missing-plugin\.js does not exist/ },
];

for (const { name, args, message } of badInputs) {
  test(`bad input, ${name}: one line naming it, exit code 2, no run`, () => {
    const out = temporaryDirectory();
    // Keep the run tiny should validation wrongly let it start.
    const given = args();
    const result = runCli(['train', ...(given.includes('--steps') ? [] : ['--steps', '3']), ...given, '--out', out]);
    assert.equal(result.status, 2, `exit code; stderr: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line, no stack trace: ${result.stderr}`);
    assert.match(lines[0], message);
    assert.deepEqual(fs.readdirSync(out), [], 'nothing ran');
  });
}

test('an unknown flag is a user error (exit 2)', () => {
  const result = runCli(['train', '--stpes', '3']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown option '--stpes'/);
});
