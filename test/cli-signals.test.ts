import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { readEventLog } from '../core/events/event-log-reader';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { spawnCli, temporaryDirectory } from './support/run-helpers';

const FLUSH_INTERVAL_MS = 100;
/** One training step or one evaluation can run past the interval before the next append flushes. */
const ONE_STEP_ALLOWANCE_MS = 400;

/** Starts a long run and resolves once its log has training events on disk. */
async function startLongRun() {
  const out = temporaryDirectory();
  const config = path.join(out, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ steps: 1_000_000, evaluation: { every: 50, samples: 500 }, eventLog: { flushIntervalMs: FLUSH_INTERVAL_MS } }));
  const child = spawnCli(['train', '--config', config, '--out', out]);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  for (;;) {
    const runs = fs.readdirSync(out).filter((name) => name !== 'config.json');
    const logPath = runs.length ? path.join(out, runs[0], EVENT_LOG_FILE) : undefined;
    if (logPath && fs.existsSync(logPath) && fs.readFileSync(logPath, 'utf8').includes('generator.stepped')) {
      return { child, exited, runDir: path.join(out, runs[0]), stderr: () => stderr };
    }
    if (child.exitCode !== null) throw new Error(`run exited early: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('SIGKILL at random moments (10 times): every log reads back gapless, losing at most the last flush interval', async () => {
  for (let attempt = 0; attempt < 10; attempt++) {
    const run = await startLongRun();
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1500));
    const killedAt = Date.now();
    run.child.kill('SIGKILL');
    await run.exited;

    const { events, problems } = readEventLog(run.runDir);
    assert.ok(problems.every((problem) => problem.kind === 'torn-last-line'), `only a torn last line may be wrong: ${JSON.stringify(problems)}`);
    assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index), 'seq gapless from 0');
    assert.equal(events[0].type, 'run.started');
    const lost = killedAt - events.at(-1)!.time;
    assert.ok(lost <= FLUSH_INTERVAL_MS + ONE_STEP_ALLOWANCE_MS, `attempt ${attempt}: the newest event on disk is ${lost} ms older than the kill`);
  }
});

for (const [signal, exitCode] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal}: the run stops after the current step, its log ends with run.finished (interrupted), exit ${exitCode}`, async () => {
    const run = await startLongRun();
    run.child.kill(signal);
    const [code] = await run.exited;
    assert.equal(code, exitCode, run.stderr());
    const { events, problems } = readEventLog(run.runDir, { strict: true });
    assert.deepEqual(problems, []);
    const last = events.at(-1)!;
    assert.ok(last.type === 'run.finished', `last event is ${last.type}`);
    assert.equal(last.reason, 'interrupted');
    assert.equal(last.detail, signal);
    const afterLastStep = events.slice(events.findLastIndex((event) => event.type === 'step.completed') + 1).map((event) => event.type);
    assert.ok(afterLastStep.includes('eval.completed'), `a final evaluation after the last step: ${afterLastStep.join(', ')}`);
    assert.ok(afterLastStep.includes('checkpoint.saved'), 'and the final checkpoint');
  });
}
