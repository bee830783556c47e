import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../core/events/event-log-reader';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { EVENT_SCHEMA_VERSION } from '../core/events/run-event';
import { ganpipeRoot } from '../core/util/package-versions';
import { runCli, temporaryDirectory } from './support/run-helpers';

const v1Run = path.join(ganpipeRoot(), 'test/fixtures/v1-run');

test('a committed v1 log (recorded by the first trainer) reads back upcast to the current version', () => {
  const raw = fs.readFileSync(path.join(v1Run, EVENT_LOG_FILE), 'utf8');
  assert.ok(raw.includes('"v":1,') && !raw.includes('"accuracy"'), 'the fixture really is v1');
  const { events, problems } = readEventLog(v1Run, { strict: true });
  assert.deepEqual(problems, []);
  assert.equal(events.length, 44);
  assert.ok(events.every((event) => event.v === EVENT_SCHEMA_VERSION));
  const discriminatorSteps = events.filter((event) => event.type === 'discriminator.stepped');
  assert.equal(discriminatorSteps.length, 20);
  assert.ok(discriminatorSteps.every((event) => event.type === 'discriminator.stepped' && event.accuracy === null && typeof event.loss === 'number'));
});

test('the v1 log can be inspected, replayed and diffed like a new one', () => {
  const inspect = runCli(['inspect', v1Run]);
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.match(inspect.stdout, /finished \(completed.*\n.*ring8, 20\/20 steps, seed 3, backend wasm/);
  const atStep = JSON.parse(runCli(['inspect', v1Run, '--at-step', '10', '--json']).stdout);
  assert.equal(atStep.metrics.step, 10);
  assert.equal(atStep.discriminator.accuracy, null);
  const replay = runCli(['replay', v1Run, '--plugin', 'collapse-detection']);
  assert.equal(replay.status, 0, replay.stderr);
  assert.match(replay.stdout, /replayed 44 events .* through collapse-detection\ndecisions: 0 recorded, 0 replayed, 0 differ/);
  const diff = runCli(['diff', v1Run, v1Run]);
  assert.match(diff.stdout, /no divergence in the 20 steps/);
});

test('an event from a newer schema, or of an unknown type, is named by line and skipped', () => {
  const dir = temporaryDirectory();
  const lines = fs.readFileSync(path.join(v1Run, EVENT_LOG_FILE), 'utf8').trim().split('\n');
  const future = { ...JSON.parse(lines[3]), v: EVENT_SCHEMA_VERSION + 1 };
  const alien = { ...JSON.parse(lines[4]), type: 'discriminator.dreamed' };
  fs.writeFileSync(path.join(dir, EVENT_LOG_FILE), [lines[0], lines[1], lines[2], JSON.stringify(future), JSON.stringify(alien), ...lines.slice(5)].join('\n') + '\n');
  const { problems, events } = readEventLog(dir);
  assert.deepEqual(problems.map(({ line, kind }) => [line, kind]), [[4, 'invalid-event'], [5, 'invalid-event'], [6, 'seq-gap']]);
  assert.match(problems[0].message, new RegExp(`written by a newer ganpipe \\(event schema v${EVENT_SCHEMA_VERSION + 1}; this one reads v1 to v${EVENT_SCHEMA_VERSION}\\)`));
  assert.equal(problems[1].message, 'unknown event type "discriminator.dreamed"');
  assert.equal(events.length, 42);
  const strict = runCli(['inspect', dir, '--strict']);
  assert.equal(strict.status, 2);
  assert.match(strict.stderr.trim(), /events\.ndjson:4: written by a newer ganpipe/);
});
