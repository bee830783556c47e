import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { runCli, temporaryDirectory } from './support/run-helpers';

/** A real small run (ring8, 8 steps, checkpoints at 5); returns its folder. */
function trainSmallRun(): string {
  const out = temporaryDirectory();
  const config = path.join(out, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ steps: 8, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 4, samples: 100 }, plugins: [{ name: 'checkpoint', options: { every: 5 } }] }));
  const trained = runCli(['train', '--config', config, '--out', out]);
  assert.equal(trained.status, 0, trained.stderr);
  return path.join(out, fs.readdirSync(out).find((name) => name.includes('ring8'))!);
}

const readLines = (runDir: string) => fs.readFileSync(path.join(runDir, EVENT_LOG_FILE), 'utf8').trimEnd().split('\n');
const writeLines = (runDir: string, lines: string[]) => fs.writeFileSync(path.join(runDir, EVENT_LOG_FILE), lines.join('\n') + '\n');

/** Escape sequences that clear the screen, set the window title, colour, return the cursor, reverse text. */
const HOSTILE = 'x\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e\rfake line\nsecond line';
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

function assertNothingRaw(label: string, result: { stdout: string; stderr: string }): void {
  for (const [stream, text] of Object.entries({ stdout: result.stdout, stderr: result.stderr })) {
    const found = RAW_CONTROL.exec(text);
    assert.equal(found, null, `${label}: ${stream} carries control character U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(text.slice(0, 400))}`);
    assert.doesNotMatch(text, /^\s+at .*\(.*:\d+:\d+\)$/m, `${label}: ${stream} has a stack trace`);
  }
}

test('a log with control characters in every printed field: no control character reaches stdout or stderr', () => {
  const runDir = trainSmallRun();
  const lines = readLines(runDir).map((line) => {
    const event = JSON.parse(line);
    event.runId = HOSTILE;
    if (event.type === 'run.started') event.config.plugins = [HOSTILE, { name: `./${HOSTILE}.js`, options: { [HOSTILE]: HOSTILE } }];
    if (event.type === 'eval.completed') event.metrics[HOSTILE] = 1;
    if (event.type === 'checkpoint.saved') event.path = `checkpoints/${HOSTILE}`;
    if (event.type === 'run.finished') Object.assign(event, { reason: 'stopped', detail: HOSTILE });
    return JSON.stringify(event);
  });
  const last = JSON.parse(lines.at(-1)!);
  lines.push(JSON.stringify({ ...last, seq: last.seq + 1, type: HOSTILE }), `{"not an event": "${'\\u001b[2J'}"`, `${HOSTILE} not JSON`);
  writeLines(runDir, lines);
  // A second copy whose run failed, with the escape sequences in the failure message.
  const failedDir = trainSmallRun();
  writeLines(
    failedDir,
    readLines(failedDir).map((line) => {
      const event = JSON.parse(line);
      return JSON.stringify(event.type === 'run.finished' ? { v: event.v, runId: event.runId, seq: event.seq, step: event.step, time: event.time, type: 'run.failed', error: { message: HOSTILE, code: HOSTILE }, wallTimeMs: 1 } : event);
    }),
  );

  const runs: [string, string[]][] = [
    ['inspect', ['inspect', runDir]],
    ['inspect failed', ['inspect', failedDir]],
    ['inspect --json', ['inspect', runDir, '--json']],
    ['inspect --type', ['inspect', runDir, '--type', 'eval.completed']],
    ['inspect --at-step', ['inspect', runDir, '--at-step', '8']],
    ['inspect --strict', ['inspect', runDir, '--strict']],
    ['replay', ['replay', runDir]],
    ['replay --json', ['replay', runDir, '--json']],
    ['diff', ['diff', runDir, failedDir]],
    ['resume', ['resume', runDir, '--from-step', '5']],
  ];
  for (const [label, args] of runs) {
    const result = runCli(args);
    assertNothingRaw(label, result);
    assert.ok(result.status === 0 || result.status === 1 || result.status === 2, `${label}: exit ${result.status}: ${result.stderr}`);
  }
  // What is escaped still says what it was, and JSON output stays JSON with the same content.
  const summary = runCli(['inspect', runDir]);
  assert.match(summary.stdout, /run x\\u001b\]0;owned\\u0007\\u001b\[2J\\u009b31m\\u202e\\u000dfake line\\u000asecond line: /);
  assert.equal(JSON.parse(runCli(['inspect', runDir, '--json']).stdout).runId, HOSTILE);
});

test('a long error line is cut, and says how much', () => {
  const result = runCli(['inspect', temporaryDirectory(), '--type', 'x'.repeat(5000)]);
  assert.equal(result.status, 2);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.ok(result.stderr.length < 1200, `${result.stderr.length} characters`);
  assert.match(result.stderr, /… \(\d+ more characters cut\)$/m);
});

test('an empty log: a clear reading, or one line and exit 2 with --strict or where the run config is needed', () => {
  const runDir = temporaryDirectory();
  fs.writeFileSync(path.join(runDir, EVENT_LOG_FILE), '');
  const inspected = runCli(['inspect', runDir]);
  assert.equal(inspected.status, 0, inspected.stderr);
  assert.match(inspected.stderr, /events\.ndjson:1: the log is empty: no events/);
  assert.match(inspected.stdout, /^run \(no run\.started\): /);
  assert.doesNotMatch(inspected.stdout, /undefined/);
  const strict = runCli(['inspect', runDir, '--strict']);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr.trim(), /^ganpipe: .*events\.ndjson:1: the log is empty: no events$/);
  for (const args of [['replay', runDir], ['resume', runDir, '--from-step', '1'], ['diff', runDir, runDir]]) {
    const result = runCli(args);
    assertNothingRaw(args[0], result);
    if (args[0] !== 'diff') {
      assert.equal(result.status, 2, `${args[0]}: ${result.stderr}`);
      assert.match(result.stderr.trim().split('\n').at(-1)!, /^ganpipe: .*no run\.started/);
    }
  }
});

test('a binary file as the log: problems listed up to a count, no stack trace', () => {
  const runDir = temporaryDirectory();
  const bytes = Buffer.alloc(64 * 1024);
  for (let index = 0; index < bytes.length; index++) bytes[index] = (index * 7919 + (index >> 3)) % 256;
  fs.writeFileSync(path.join(runDir, EVENT_LOG_FILE), bytes);
  const inspected = runCli(['inspect', runDir]);
  assertNothingRaw('inspect', inspected);
  assert.equal(inspected.status, 0);
  const warnings = inspected.stderr.trim().split('\n');
  assert.ok(warnings.length <= 22, `${warnings.length} warning lines`);
  assert.match(inspected.stderr, /more problems not listed/);
  const replayed = runCli(['replay', runDir]);
  assertNothingRaw('replay', replayed);
  assert.equal(replayed.status, 2);
});

test('a log without run.started: the warning names the line; replay stops with one line', () => {
  const runDir = trainSmallRun();
  writeLines(runDir, readLines(runDir).slice(1));
  const inspected = runCli(['inspect', runDir]);
  assert.equal(inspected.status, 0, inspected.stderr);
  assert.match(inspected.stderr, /events\.ndjson:1: the log does not begin with run\.started \(its first event is [a-z.]+\)/);
  const replayed = runCli(['replay', runDir]);
  assert.equal(replayed.status, 2);
  assertNothingRaw('replay', replayed);
  assert.match(replayed.stderr, /no run\.started/);
});

test('a duplicated line is dropped with a warning naming both lines: counts and diff are not fooled', () => {
  const runDir = trainSmallRun();
  const original = readLines(runDir);
  const copyDir = temporaryDirectory();
  fs.cpSync(runDir, copyDir, { recursive: true });
  const stepLine = original.findIndex((line) => line.includes('"generator.stepped"') && line.includes('"step":3,'));
  writeLines(copyDir, [...original.slice(0, stepLine + 1), original[stepLine], ...original.slice(stepLine + 1)]);

  const inspected = runCli(['inspect', copyDir, '--json']);
  assert.equal(inspected.status, 0);
  assert.equal(JSON.parse(inspected.stdout).events, original.length);
  assert.match(inspected.stderr, new RegExp(`events\\.ndjson:${stepLine + 2}: repeats line ${stepLine + 1} \\(seq \\d+\\) exactly; dropped`));
  const diffed = runCli(['diff', runDir, copyDir]);
  assert.equal(diffed.status, 0, diffed.stderr);
  assert.match(diffed.stdout, /no divergence/);
  const strict = runCli(['inspect', copyDir, '--strict']);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr, /repeats line/);
});

test('events.ndjson that is a folder: one line', () => {
  const runDir = temporaryDirectory();
  fs.mkdirSync(path.join(runDir, EVENT_LOG_FILE));
  const folder = runCli(['inspect', runDir]);
  assert.equal(folder.status, 2);
  assert.match(folder.stderr.trim(), /^ganpipe: .*events\.ndjson: not a file \(an event log is a file of JSON lines\)$/);
});

test('resume takes the newest intact checkpoint and says which; a damaged newer one is named', () => {
  const runDir = trainSmallRun();
  const checkpoints = fs.readdirSync(path.join(runDir, 'checkpoints')).sort();
  assert.deepEqual(checkpoints, ['step-00000005', 'step-00000008']);
  const weights = path.join(runDir, 'checkpoints', 'step-00000008', 'weights.bin');
  const bytes = fs.readFileSync(weights);
  bytes[3] ^= 0xff;
  fs.writeFileSync(weights, bytes);
  const resumed = runCli(['resume', runDir, '--from-step', '8', '--out', temporaryDirectory()]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /step-00000008: content hash \w+… does not match the recorded \w+…: the checkpoint changed after it was saved; trying the checkpoint at step 5/);
  assert.match(resumed.stderr, /resuming .* from its checkpoint at step 5 /);
});

test('resume of a parent with no step after its checkpoint: --verify says nothing was compared (exit 1); the summary counts the steps this run trained', () => {
  const runDir = trainSmallRun();
  const resumed = runCli(['resume', runDir, '--from-step', '8', '--steps', '1', '--verify', '--out', temporaryDirectory()]);
  assert.equal(resumed.status, 1, resumed.stderr);
  assert.match(resumed.stdout, /^run \S+ completed: 1 steps \(now at step 9\) in /m);
  assert.match(resumed.stdout, /^verify: nothing to compare: the parent recorded no step after its checkpoint at step 8$/m);
});

test('replay reads no CSV a log names unless a replayed plugin needs the data', () => {
  const runDir = trainSmallRun();
  const secret = path.join(temporaryDirectory(), 'secret.txt');
  fs.writeFileSync(secret, 'TOP-SECRET-TOKEN,abc\n');
  const lines = readLines(runDir).map((line) => {
    const event = JSON.parse(line);
    if (event.type === 'run.started') Object.assign(event.config, { dataset: 'csv', csv: { path: secret, timeColumn: 'time', featureColumns: ['x'], window: 4 } });
    return JSON.stringify(event);
  });
  writeLines(runDir, lines);
  const replayed = runCli(['replay', runDir]);
  assert.equal(replayed.status, 0, replayed.stderr);
  assert.doesNotMatch(replayed.stdout + replayed.stderr, /TOP-SECRET/);
});
