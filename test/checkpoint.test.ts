import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readCheckpoint } from '../core/checkpoint/checkpoint-files';
import { GanpipeError } from '../core/errors';
import { readEventLog } from '../core/events/event-log-reader';
import type { TrainerPlugin } from '../core/trainer/plugin';
import { CheckpointPlugin } from '../plugins/checkpoint';
import { CollapseDetectionPlugin } from '../plugins/collapse-detection';
import { poisonDiscriminatorAt } from './support/poison-discriminator';
import { createTestTrainer, smallConfig } from './support/run-helpers';

const lossesByStep = (runDir: string) => {
  const losses = new Map<number, (number | null)[]>();
  for (const event of readEventLog(runDir).events) {
    if (event.type === 'discriminator.stepped' || event.type === 'generator.stepped') losses.set(event.step, [...(losses.get(event.step) ?? []), event.loss]);
  }
  return losses;
};

test('checkpoints every N steps and at the end, each recorded with a content hash that detects tampering', async () => {
  const trainer = await createTestTrainer(smallConfig({ steps: 12 }), [new CheckpointPlugin({ every: 5 })]);
  await trainer.run();
  const saved = readEventLog(trainer.runDir, { strict: true }).events.filter((event) => event.type === 'checkpoint.saved');
  assert.deepEqual(saved.map((event) => event.step), [5, 10, 12]);
  for (const event of saved) {
    assert.ok(event.type === 'checkpoint.saved');
    const loaded = readCheckpoint(path.join(trainer.runDir, event.path), event.hash);
    assert.equal(loaded.meta.step, event.step);
    assert.ok(loaded.tensors['generator/dense0/kernel'] && loaded.tensors['discriminator/optimizer/m/discriminator/dense1/bias']);
    Object.values(loaded.tensors).forEach((tensor) => tensor.dispose());
  }
  const last = saved.at(-1)!;
  assert.ok(last.type === 'checkpoint.saved');
  const weightsFile = path.join(trainer.runDir, last.path, 'weights.bin');
  const bytes = fs.readFileSync(weightsFile);
  bytes[0] ^= 0xff;
  fs.writeFileSync(weightsFile, bytes);
  assert.throws(() => readCheckpoint(path.join(trainer.runDir, last.path), last.hash), (error: GanpipeError) => error.code === 'GANPIPE_CHECKPOINT_INVALID' && /does not match the recorded/.test(error.message));
  assert.throws(() => readCheckpoint(path.join(trainer.runDir, 'checkpoints', 'nowhere')), /not a checkpoint/);
});

// With lazy R1 the restore must also bring back which D updates carry the penalty.
for (const discriminator of [{}, { r1Penalty: 1, r1Every: 3 }]) {
test(`restoring a checkpoint (with its random streams) replays the same losses, without leaking tensors (discriminator ${JSON.stringify(discriminator)})`, async () => {
  let tensorsBeforeRestore = 0;
  let tensorsAfterRestore = 0;
  const rewind: TrainerPlugin = {
    name: 'rewind',
    apply(trainer) {
      trainer.hooks.afterStep.tapPromise('rewind', async ({ step }) => {
        if (step !== 10) return;
        const fromStepFive = trainer.state.decisions['checkpoint.saved'] ? 'checkpoints/step-00000005' : '';
        tensorsBeforeRestore = tf.memory().numTensors;
        await trainer.restoreCheckpoint(fromStepFive, { restoreRandom: true });
        tensorsAfterRestore = tf.memory().numTensors;
      });
    },
  };
  // No learning-rate decay: it depends on the step, which a restore does not rewind.
  const trainer = await createTestTrainer(smallConfig({ steps: 15, learningRateDecay: false, discriminator: { ...smallConfig({}).discriminator, ...discriminator }, evaluation: { every: 1000, samples: 50 } }), [new CheckpointPlugin({ every: 5, atEnd: false }), rewind]);
  await trainer.run();
  const losses = lossesByStep(trainer.runDir);
  for (let offset = 1; offset <= 5; offset++) assert.deepEqual(losses.get(10 + offset), losses.get(5 + offset), `step ${10 + offset} repeats step ${5 + offset}`);
  assert.equal(tensorsAfterRestore, tensorsBeforeRestore);
  const restored = readEventLog(trainer.runDir).events.find((event) => event.type === 'checkpoint.restored');
  assert.ok(restored && restored.type === 'checkpoint.restored' && restored.checkpointStep === 5 && restored.step === 10);
});
}

test('rollback: a collapse restores the last checkpoint before its onset, lowers G\'s learning rate, and training carries on', async () => {
  const poisonOnce = poisonDiscriminatorAt(12);
  const detector = new CollapseDetectionPlugin({ action: 'rollback', rollback: { generatorLearningRateFactor: 0.5, extraDiscriminatorUpdates: 1 } });
  // No learning-rate decay, so the events show the lowered rate as it is.
  const trainer = await createTestTrainer(smallConfig({ steps: 20, learningRateDecay: false }), [new CheckpointPlugin({ every: 5 }), poisonOnce, detector]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const rolledBack = events.find((event) => event.type === 'collapse.rolledBack');
  assert.ok(rolledBack && rolledBack.type === 'collapse.rolledBack');
  assert.deepEqual([rolledBack.signal, rolledBack.onsetStep, rolledBack.checkpointStep, rolledBack.step], ['non-finite', 12, 10, 12]);
  assert.deepEqual(rolledBack.changes, { generatorLearningRate: { from: 1e-3, to: 5e-4 }, extraDiscriminatorUpdates: 1 });
  const restored = events.find((event) => event.type === 'checkpoint.restored');
  assert.ok(restored && restored.seq < rolledBack.seq);
  const after = events.filter((event) => event.step > 12 && (event.type === 'discriminator.stepped' || event.type === 'generator.stepped'));
  assert.ok(after.every((event) => (event.type === 'discriminator.stepped' || event.type === 'generator.stepped') && event.loss !== null), 'finite again after the rollback');
  assert.ok(after.some((event) => event.type === 'generator.stepped' && event.learningRate === 5e-4));
  assert.equal(after.filter((event) => event.type === 'discriminator.stepped' && event.step === 13).length, 2, 'one extra D update per step');
  const finished = events.at(-1)!;
  assert.ok(finished.type === 'run.finished' && finished.reason === 'completed');
});

/** A run on sines whose evaluations (every 2 steps) report the given MMDs, and the detector's decisions in it. */
async function rollbackDecisionsForMmd(scripted: number[], afterSteps: number) {
  const scriptMmd: TrainerPlugin = { name: 'scripted-mmd', apply: (trainer) => trainer.hooks.evaluate.tap('scripted-mmd', (metrics, { step }) => ({ ...metrics, mmd: scripted[step / 2 - 1] })) };
  const detector = new CollapseDetectionPlugin({ warmupSteps: 0, checkEvery: 1000, diversityRatio: false, drift: false, vanishingGradients: false, mmdRise: { above: 3, confirmations: 2 }, rollback: { afterSteps } });
  const config = { dataset: 'sines' as const, steps: 2 * scripted.length, batchSize: 16, evaluation: { every: 2, samples: 50, discriminativeScore: false }, plugins: [] };
  const trainer = await createTestTrainer(config, [new CheckpointPlugin({ every: 2, atEnd: false }), scriptMmd, detector]);
  await trainer.run();
  return readEventLog(trainer.runDir, { strict: true })
    .events.filter((event) => event.type.startsWith('collapse.'))
    .map((event) => [event.type, event.step, ...(event.type === 'collapse.rolledBack' ? [event.onsetStep, event.checkpointStep] : [])]);
}

test('rollback waits `afterSteps` after the detection: a collapse that recovers by then is left alone, one that lasts is rolled back', async () => {
  // MMD 0.1 at step 2, then 5× that from step 4: suspected at 4, detected at 6 (two evaluations in a row).
  assert.deepEqual(await rollbackDecisionsForMmd([0.1, 0.5, 0.5, 0.1, 0.1], 4), [
    ['collapse.suspected', 4],
    ['collapse.detected', 6],
    ['collapse.recovered', 8],
  ]);
  assert.deepEqual(await rollbackDecisionsForMmd([0.1, 0.5, 0.5, 0.5, 0.5, 0.1], 4), [
    ['collapse.suspected', 4],
    ['collapse.detected', 6],
    // Due at the evaluation of step 10 (4 steps after the detection); evaluations come
    // before afterStep, so the rollback is carried out in step 10's.
    ['collapse.rolledBack', 10, 4, 2],
  ]);
});

test('a collapse before the first periodic checkpoint still rolls back: the detector keeps a checkpoint at the end of its warm-up', async () => {
  const detector = new CollapseDetectionPlugin({ warmupSteps: 8, checkEvery: 1000, diversityRatio: false, drift: false, vanishingGradients: false, modeCoverage: false, modeEntropy: false });
  const trainer = await createTestTrainer(smallConfig({ steps: 20, plugins: [] }), [new CheckpointPlugin({ every: 100, atEnd: false }), detector, poisonDiscriminatorAt(12)]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  assert.deepEqual(events.filter((event) => event.type === 'checkpoint.saved').map((event) => event.step), [8]);
  const rolledBack = events.find((event) => event.type === 'collapse.rolledBack');
  assert.ok(rolledBack && rolledBack.type === 'collapse.rolledBack' && rolledBack.checkpointStep === 8 && rolledBack.onsetStep === 12);
  assert.ok(!events.some((event) => event.type === 'plugin.custom'), 'no rollback-impossible');
});
