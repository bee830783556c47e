import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventLogWriter, EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { readEventLog } from '../core/events/event-log-reader';
import { GanpipeError } from '../core/errors';
import { EVENT_SCHEMA_VERSION, type RunEvent } from '../core/events/run-event';
import { temporaryDirectory } from './support/run-helpers';

/** Event `seq` of a small well-formed log: run.started first, as every log begins, then G updates. */
function generatorStepped(seq: number): RunEvent {
  if (seq === 0) return { v: EVENT_SCHEMA_VERSION, runId: 'r', seq, step: 0, time: 1_700_000_000_000, type: 'run.started', config: {}, seed: 1, backend: 'cpu', versions: {} };
  return { v: EVENT_SCHEMA_VERSION, runId: 'r', seq, step: seq, time: 1_700_000_000_000 + seq, type: 'generator.stepped', update: 0, loss: 0.7, gradNorm: 1.5, learningRate: 0.001 };
}

function writeLog(lines: string[], tail = '\n'): string {
  const dir = temporaryDirectory();
  fs.writeFileSync(path.join(dir, EVENT_LOG_FILE), lines.join('\n') + tail);
  return dir;
}

test('events written by the writer read back unchanged and in order', () => {
  const dir = temporaryDirectory();
  const writer = EventLogWriter.create(dir, 50);
  const events = Array.from({ length: 100 }, (_, seq) => generatorStepped(seq));
  for (const event of events) writer.append(event);
  writer.close();
  const { events: read, problems } = readEventLog(dir);
  assert.deepEqual(problems, []);
  assert.deepEqual(read, events);
});

test('an idle writer flushes within the flush interval', async () => {
  const dir = temporaryDirectory();
  const writer = EventLogWriter.create(dir, 30);
  writer.append(generatorStepped(0));
  assert.equal(fs.readFileSync(path.join(dir, EVENT_LOG_FILE), 'utf8'), '', 'batched, not yet written');
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.equal(readEventLog(dir).events.length, 1);
  writer.close();
});

test('a busy writer flushes on append once the oldest event is older than the interval', () => {
  // A synchronous loop never lets the idle timer fire: the append path must flush.
  const dir = temporaryDirectory();
  const writer = EventLogWriter.create(dir, 20);
  const startedAt = Date.now();
  let seq = 0;
  while (Date.now() - startedAt < 60) writer.append(generatorStepped(seq++));
  const onDisk = readEventLog(dir).events.length;
  assert.ok(onDisk > 0, 'some events reached the disk before close');
  writer.close();
  assert.equal(readEventLog(dir).events.length, seq);
});

test('a second run cannot overwrite an existing log', () => {
  const dir = writeLog([JSON.stringify(generatorStepped(0))]);
  assert.throws(() => EventLogWriter.create(dir), (error: GanpipeError) => error.code === 'GANPIPE_RUN_EXISTS' && error.message.includes(dir));
});

test('a torn last line is dropped and reported; the complete lines stay usable', () => {
  const full = JSON.stringify(generatorStepped(2));
  const dir = writeLog([JSON.stringify(generatorStepped(0)), JSON.stringify(generatorStepped(1)), full.slice(0, 20)], '');
  const { events, problems } = readEventLog(dir);
  assert.equal(events.length, 2);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'torn-last-line');
  assert.equal(problems[0].line, 3);
});

test('bad lines are named by line number, and the rest is read', () => {
  const invalidEvent = { ...generatorStepped(2), loss: 'high' };
  const dir = writeLog([JSON.stringify(generatorStepped(0)), '{not json', JSON.stringify(invalidEvent), JSON.stringify(generatorStepped(3))]);
  const { events, problems } = readEventLog(dir);
  assert.deepEqual(events.map((event) => event.seq), [0, 3]);
  assert.deepEqual(problems.map(({ line, kind }) => [line, kind]), [[2, 'invalid-json'], [3, 'invalid-event'], [4, 'seq-gap']]);
  assert.match(problems[1].message, /generator\.stepped.*field "loss"/);
  assert.match(problems[2].message, /seq 3 where 1 was expected \(2 events missing\)/);
});

test('strict reading makes the first problem fatal, naming file and line', () => {
  const dir = writeLog([JSON.stringify(generatorStepped(0)), JSON.stringify(generatorStepped(5))]);
  assert.throws(() => readEventLog(dir, { strict: true }), (error: GanpipeError) => error.code === 'GANPIPE_LOG_GAP' && /events\.ndjson:2: seq 5 where 1/.test(error.message));
});

test('a missing run directory is a clear error', () => {
  assert.throws(() => readEventLog('/nonexistent/run'), (error: GanpipeError) => error.code === 'GANPIPE_LOG_NOT_FOUND' && error.message.includes('/nonexistent/run'));
});
