import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../core/events/event-log-reader';
import type { RunEvent } from '../core/events/run-event';
import { ganpipeRoot } from '../core/util/package-versions';
import { runCli, temporaryDirectory } from './support/run-helpers';

/** The plugins' decisions of a log after `step`: what carried-over state must reproduce. */
function decisionsAfter(events: readonly RunEvent[], step: number): string[] {
  return events
    .filter((event) => event.step > step && (event.type === 'gradients.clipped' || event.type === 'schedule.changed' || event.type.startsWith('collapse.')))
    .map((event) => `${event.step} ${event.type} ${'signal' in event ? event.signal : ''}${'to' in event ? JSON.stringify(event.to) : ''}${'net' in event ? event.net : ''}`);
}

/**
 * Trains `steps` with checkpoints every `every`, resumes from `fromStep` with --verify,
 * and checks: no divergence in the losses, and the same plugin decisions after the
 * checkpoint as the parent's (so the plugins did carry their state over). Returns the
 * parent's decisions after the checkpoint, which the caller checks are not empty: a
 * plugin that decides nothing after the checkpoint would prove nothing.
 */
function trainAndResume(plugins: unknown[], steps: number, every: number, fromStep: number, extraFlags: string[] = []): { decisions: string[]; parentEvents: RunEvent[] } {
  const out = temporaryDirectory();
  const config = path.join(out, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ steps, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 10, samples: 200 }, plugins: [...plugins, { name: 'checkpoint', options: { every } }] }));
  const trained = runCli(['train', '--config', config, '--out', out]);
  assert.equal(trained.status, 0, trained.stderr);
  const parentDir = path.join(out, fs.readdirSync(out).find((name) => name.includes('ring8'))!);
  const resumedOut = temporaryDirectory();
  const resumed = runCli(['resume', parentDir, '--from-step', String(fromStep), '--verify', '--out', resumedOut, ...extraFlags]);
  assert.equal(resumed.status, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.match(resumed.stdout, new RegExp(`verify: no divergence in the ${steps - fromStep} steps after the checkpoint`));
  const parentEvents = readEventLog(parentDir).events;
  const parentDecisions = decisionsAfter(parentEvents, fromStep);
  const resumedEvents = readEventLog(path.join(resumedOut, fs.readdirSync(resumedOut)[0])).events;
  // The resumed run's first schedule.changed restores the plan in force: not a decision of the parent's.
  const resumedDecisions = decisionsAfter(resumedEvents.filter((event) => !(event.type === 'schedule.changed' && event.reason.startsWith('restored from'))), fromStep);
  assert.deepEqual(resumedDecisions, parentDecisions, 'the plugins decided differently after the resume');
  return { decisions: parentDecisions, parentEvents };
}

test('resume carries AutoClip’s norm history over: same clipping, same losses', () => {
  const { decisions } = trainAndResume([{ name: 'gradient-clipping', options: { discriminator: { mode: 'autoclip', percentile: 50 }, generator: { mode: 'autoclip', percentile: 50 } } }], 60, 30, 30);
  assert.ok(decisions.some((decision) => decision.includes('gradients.clipped')), 'no clipping after the checkpoint: the test would prove nothing');
});

test('resume carries the adaptive ratio’s window, cooldown and plan over', () => {
  const { decisions } = trainAndResume([{ name: 'adaptive-ratio', options: { policy: 'accuracy-band', lo: 0.49, hi: 0.51, window: 4, cooldown: 3 } }], 60, 30, 30);
  assert.ok(decisions.some((decision) => decision.includes('schedule.changed')), 'no schedule change after the checkpoint');
});

test('resume carries collapse detection’s monitors, windows and random stream over', () => {
  // Detected at step 6, recovered at 28 (seed 1): after the checkpoint at 20 the recovery
  // is reported only if the resumed detector knows the signal was detected.
  const detector = { name: 'collapse-detection', options: { action: 'warn', warmupSteps: 0, checkEvery: 2, confirmations: 3, modeCoverage: { below: 0.5 } } };
  const { decisions } = trainAndResume([detector], 60, 20, 20);
  assert.ok(decisions.some((decision) => decision.includes('collapse.')), 'no collapse decision after the checkpoint');
});

test('after a rollback: the detector’s rollback count and extra D updates, and the lowered learning rate, carry over', () => {
  const poison = path.join(ganpipeRoot(), 'examples/plugins/poison-discriminator.js');
  const detector = { name: 'collapse-detection', options: { rollback: { extraDiscriminatorUpdates: 1, maxRollbacks: 3 } } };
  // Poisoned at step 15: non-finite losses, rolled back at once to the checkpoint at 10,
  // with G's learning rate halved and one D update more per step from then on.
  const { parentEvents } = trainAndResume([detector, { name: poison, options: { atStep: 15 } }], 60, 10, 40, ['--trust-recorded-plugins']);
  const rolledBack = parentEvents.find((event) => event.type === 'collapse.rolledBack');
  assert.ok(rolledBack && rolledBack.step < 40, 'the parent rolled back before the checkpoint resumed from');
  const updatesAt = (step: number) => parentEvents.filter((event) => event.type === 'discriminator.stepped' && event.step === step).length;
  assert.equal(updatesAt(45), 2, 'the extra D update is in force after the checkpoint: --verify compares its losses too');
});
