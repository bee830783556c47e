import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEventLog } from '../core/events/event-log-reader';
import { learningRateFactor } from '../core/model/learning-rate-decay';
import { createTestTrainer, smallConfig } from './support/run-helpers';

test('the decay factor: 1 until startFraction of the steps, then linear down to finalFactor at the last step', () => {
  const decay = { startFraction: 0.5, finalFactor: 0.01 };
  assert.equal(learningRateFactor(false, 100, 100), 1, 'no decay configured');
  assert.equal(learningRateFactor(decay, 1, 100), 1);
  assert.equal(learningRateFactor(decay, 50, 100), 1, 'the last undecayed step');
  assert.ok(Math.abs(learningRateFactor(decay, 75, 100) - (1 - 0.5 * 0.99)) < 1e-12, 'halfway down');
  assert.ok(Math.abs(learningRateFactor(decay, 100, 100) - 0.01) < 1e-12, 'finalFactor at the last step');
  assert.ok(Math.abs(learningRateFactor(decay, 130, 100) - 0.01) < 1e-12, 'steps past the budget (a resume with more steps) stay at the floor');
  assert.ok(Math.abs(learningRateFactor({ startFraction: 0, finalFactor: 0.5 }, 1, 10) - 0.95) < 1e-12, 'decay from the first step');
});

test('in a run, events record the decayed rate while plugins read and set the undecayed one', async () => {
  const seen: { step: number; generator: number }[] = [];
  const trainer = await createTestTrainer(smallConfig({ steps: 10, learningRateDecay: { startFraction: 0.5, finalFactor: 0.1 }, plugins: [] }), [
    {
      name: 'halve-at-step-8',
      apply(host) {
        host.hooks.beforeStep.tap('halve-at-step-8', (plan, { step }) => {
          if (step === 8) host.setLearningRate('generator', host.learningRate('generator') / 2);
          seen.push({ step, generator: host.learningRate('generator') });
          return plan;
        });
      },
    },
  ]);
  await trainer.run();
  const applied = (type: 'generator.stepped' | 'discriminator.stepped') =>
    readEventLog(trainer.runDir).events.flatMap((event) => (event.type === type ? [event.learningRate] : []));
  const base = 1e-3;
  const factor = (step: number) => learningRateFactor({ startFraction: 0.5, finalFactor: 0.1 }, step, 10);
  const close = (actual: number[], expected: number[]) => actual.forEach((value, index) => assert.ok(Math.abs(value - expected[index]) < 1e-12, `update ${index + 1}: ${value} vs ${expected[index]}`));
  const steps = Array.from({ length: 10 }, (_, index) => index + 1);
  close(applied('discriminator.stepped'), steps.map((step) => base * factor(step)));
  close(applied('generator.stepped'), steps.map((step) => (step >= 8 ? base / 2 : base) * factor(step)));
  assert.ok(Math.abs(factor(10) - 0.1) < 1e-12, 'the last step runs at finalFactor');
  assert.deepEqual(seen.map(({ generator }) => generator), steps.map((step) => (step >= 8 ? base / 2 : base)), 'plugins see the rate before decay');
});
