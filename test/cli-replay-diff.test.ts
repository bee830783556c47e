import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ganpipeRoot } from '../core/util/package-versions';
import { readEventLog } from '../core/events/event-log-reader';

const readEventLogEvents = (dir: string) => readEventLog(dir).events;
import { runCli, temporaryDirectory } from './support/run-helpers';

const poison = path.join(ganpipeRoot(), 'examples/plugins/poison-discriminator.js');

function train(config: object): string {
  const out = temporaryDirectory();
  const file = path.join(out, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ steps: 30, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 10, samples: 200 }, ...config }));
  const result = runCli(['train', '--config', file, '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  return path.join(out, fs.readdirSync(out).find((name) => name !== 'config.json')!);
}

function writeConfig(config: object): string {
  const file = path.join(temporaryDirectory(), 'whatif.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

test('replay a recorded collapse: the same detector decides the same; other options show what would have differed, step by step', () => {
  const runDir = train({ plugins: [{ name: 'collapse-detection', options: { action: 'warn' } }, { name: poison, options: { atStep: 12 } }] });
  const same = runCli(['replay', runDir, '--json']);
  assert.equal(same.status, 0, same.stderr);
  const report = JSON.parse(same.stdout);
  assert.deepEqual(report.plugins, ['collapse-detection']);
  assert.deepEqual(report.recorded.map((decision: { step: number; type: string; signal: string }) => [decision.step, decision.type, decision.signal]), [[12, 'collapse.detected', 'non-finite']]);
  assert.deepEqual(report.replayed, report.recorded);
  assert.equal(report.firstDifferenceStep, null);

  const whatIf = runCli(['replay', runDir, '--config', writeConfig({ plugins: [{ name: 'collapse-detection', options: { nonFinite: false } }] })]);
  assert.equal(whatIf.status, 0, whatIf.stderr);
  assert.match(whatIf.stdout, /decisions: 1 recorded, 0 replayed, 1 differ; first difference at step 12/);
  assert.match(whatIf.stdout, /step 12: collapse\.detected non-finite = non-finite {2}\[recorded only\]/);
});

test('replay on bad input: a missing run, an unknown plugin', () => {
  const missing = runCli(['replay', '/nonexistent/run']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr.trim(), /^ganpipe: \/nonexistent\/run: no such run directory or event log$/);
  const runDir = train({ steps: 3, plugins: [] });
  const unknown = runCli(['replay', runDir, '--plugin', 'telepathy']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /plugins\[0\] \(telepathy\): unknown plugin "telepathy"/);
});

test('diff: identical runs do not diverge; a changed learning rate shows in the config and from the step it first acts', () => {
  const base = { plugins: [], seed: 5 };
  const [a, b] = [train(base), train(base)];
  const same = runCli(['diff', a, b]);
  assert.equal(same.status, 0, same.stderr);
  assert.match(same.stdout, /configs are identical/);
  assert.match(same.stdout, /no divergence in the 30 steps both runs have/);

  const c = train({ ...base, generator: { hiddenLayers: [16], learningRate: 0.01 } });
  const changed = JSON.parse(runCli(['diff', a, c, '--json']).stdout);
  assert.deepEqual(changed.configDifferences, ['generator.learningRate: 0.001 → 0.01']);
  // Step 1's losses are computed before any update: G's learning rate first shows in step 1's
  // recorded learningRate, and in the losses from step 2.
  assert.equal(changed.firstDivergence.step, 1);
  assert.ok(changed.firstDivergence.a.some((entry: string) => entry.includes('"generator.stepped"')));
});

test('resume --verify: from the nearest checkpoint, a new run naming its parent re-executes the rest with no divergence', () => {
  const parent = train({ plugins: [{ name: 'checkpoint', options: { every: 10 } }], seed: 3 });
  const result = runCli(['resume', parent, '--from-step', '15', '--verify']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /resuming \S+ from its checkpoint at step 10 as run \S+, to step 30/);
  assert.match(result.stdout, /verify: no divergence in the 20 steps after the checkpoint \(steps 11–30\)/);
  const runs = fs.readdirSync(path.dirname(parent)).filter((name) => name !== 'config.json' && path.join(path.dirname(parent), name) !== parent);
  const child = readEventLogEvents(path.join(path.dirname(parent), runs[0]));
  const started = child[0];
  assert.ok(started.type === 'run.started' && started.parentRunId === path.basename(parent));
  assert.ok(child.some((event) => event.type === 'checkpoint.restored' && event.checkpointStep === 10));
  assert.equal(child.find((event) => event.type === 'discriminator.stepped')?.step, 11);
});

test('resume on bad input: no checkpoint early enough; a tampered checkpoint', () => {
  const parent = train({ steps: 12, plugins: [{ name: 'checkpoint', options: { every: 10 } }] });
  const early = runCli(['resume', parent, '--from-step', '5']);
  assert.equal(early.status, 2);
  assert.match(early.stderr.trim(), /^ganpipe: --from-step 5: no checkpoint at or before it in .*events\.ndjson \(checkpoints at steps: 10, 12\)$/);
  const weights = path.join(parent, 'checkpoints', 'step-00000010', 'weights.bin');
  const bytes = fs.readFileSync(weights);
  bytes[10] ^= 0xff;
  fs.writeFileSync(weights, bytes);
  const runsBefore = fs.readdirSync(path.dirname(parent)).length;
  const tampered = runCli(['resume', parent, '--from-step', '10']);
  assert.equal(tampered.status, 2);
  assert.match(tampered.stderr.trim(), /^ganpipe: .*step-00000010: content hash \w+… does not match the recorded \w+…: the checkpoint changed after it was saved$/);
  assert.equal(fs.readdirSync(path.dirname(parent)).length, runsBefore, 'no new run was started');
});
