import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { readEventLog } from '../core/events/event-log-reader';
import { foldRunState } from '../core/state/run-state';
import { runCli, temporaryDirectory } from './support/run-helpers';

let runDir: string;

before(() => {
  const out = temporaryDirectory();
  const config = path.join(out, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ steps: 40, batchSize: 32, evaluation: { every: 10, samples: 200 }, plugins: [{ name: 'adaptive-ratio', options: { policy: 'threshold', maxPhaseSteps: 5 } }, 'checkpoint'] }));
  const result = runCli(['train', '--config', config, '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  runDir = path.join(out, fs.readdirSync(out).find((name) => name !== 'config.json')!);
});

test('inspect: a summary of config, backend, steps, decisions and last metrics', () => {
  const result = runCli(['inspect', runDir]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^run \S+: finished \(completed/);
  assert.match(result.stdout, /ring8, 40\/40 steps, seed 1, backend wasm/);
  assert.match(result.stdout, /decisions: .*schedule\.changed ×\d+.*checkpoint\.saved ×1/);
  assert.match(result.stdout, /last metrics \(step 40\): modesCovered/);
});

test('inspect --at-step N: the state folded from the events up to N, the same fold as the live trainer', () => {
  const result = runCli(['inspect', runDir, '--at-step', '12', '--json']);
  assert.equal(result.status, 0, result.stderr);
  const state = JSON.parse(result.stdout);
  const expected = foldRunState(readEventLog(runDir).events.filter((event) => event.step <= 12));
  assert.deepEqual(state, JSON.parse(JSON.stringify(expected)));
  assert.equal(state.step, 12);
  assert.equal(state.metrics.step, 10, 'the last evaluation before step 12');
  assert.ok(state.decisions['schedule.changed'] >= 2, 'the threshold policy switched phases by then');
});

test('inspect --type and step bounds list matching events, as text or JSON lines', () => {
  const text = runCli(['inspect', runDir, '--type', 'schedule.changed', '--from-step', '5', '--to-step', '20']);
  assert.equal(text.status, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.ok(lines.length >= 1 && lines.every((line) => / schedule\.changed \{/.test(line)));
  const json = runCli(['inspect', runDir, '--type', 'eval.', '--json']);
  const evaluations = json.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(evaluations.map((event) => event.step), [10, 20, 30, 40]);
});

test('inspect on bad input: one line naming the problem; a corrupt line is reported by number and the rest still read', () => {
  const missing = runCli(['inspect', '/nonexistent/run']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr.trim(), /^ganpipe: \/nonexistent\/run: no such run directory or event log$/);
  const badType = runCli(['inspect', runDir, '--type', 'nonsense']);
  assert.equal(badType.status, 2);
  assert.match(badType.stderr, /--type: no event type "nonsense"/);
  const badStep = runCli(['inspect', runDir, '--at-step', 'ten']);
  assert.equal(badStep.status, 2);
  assert.match(badStep.stderr, /--at-step: expected a whole number, got "ten"/);

  const corrupted = temporaryDirectory();
  const lines = fs.readFileSync(path.join(runDir, EVENT_LOG_FILE), 'utf8').split('\n');
  lines[5] = '{"half": ';
  fs.writeFileSync(path.join(corrupted, EVENT_LOG_FILE), lines.join('\n'));
  const lenient = runCli(['inspect', corrupted]);
  assert.equal(lenient.status, 0);
  assert.match(lenient.stderr, /events\.ndjson:6: not valid JSON/);
  assert.match(lenient.stdout, /log problems: 2/, 'the bad line and the seq gap it leaves');
  const strict = runCli(['inspect', corrupted, '--strict']);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr.trim(), /^ganpipe: .*events\.ndjson:6: not valid JSON$/);
});
