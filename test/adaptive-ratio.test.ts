import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEventLog } from '../core/events/event-log-reader';
import { AdaptiveRatioPlugin } from '../plugins/adaptive-ratio';
import { accuracyBandPolicy, fixedPolicy, thresholdPolicy, type RatioObservation, type RatioPolicy } from '../plugins/adaptive-ratio/ratio-policies';
import { createTestTrainer, smallConfig } from './support/run-helpers';

/** Given these observations, one per step, then these plans (and which steps changed). */
function script(policy: RatioPolicy, observations: Omit<RatioObservation, 'step'>[]) {
  return observations.map((observation, index) => {
    const decision = policy.decide({ step: index + 1, ...observation });
    return `${decision.plan.d}/${decision.plan.g}${decision.reason ? '*' : ''}`;
  });
}

test('fixed: the same plan every step, never a change', () => {
  const policy = fixedPolicy({ d: 5, g: 1 });
  assert.deepEqual(policy.initialPlan, { d: 5, g: 1 });
  assert.deepEqual(script(policy, [{ discriminatorLoss: 0 }, { discriminatorLoss: 9 }]), ['5/1', '5/1']);
});

test('threshold: train D until its loss < its threshold, then G until its loss < its threshold', () => {
  const policy = thresholdPolicy({ discriminatorThreshold: 1.2, generatorThreshold: 1.0, minPhaseSteps: 1, maxPhaseSteps: 100 });
  assert.deepEqual(policy.initialPlan, { d: 1, g: 0 });
  const plans = script(policy, [
    { discriminatorLoss: 1.5 },
    { discriminatorLoss: 1.3 },
    { discriminatorLoss: 1.1 }, // below 1.2: switch to G
    { generatorLoss: 1.4 },
    { generatorLoss: 0.9 }, // below 1.0: back to D
    { discriminatorLoss: 1.0 },
  ]);
  assert.deepEqual(plans, ['1/0', '1/0', '0/1*', '0/1', '1/0*', '0/1*']);
});

test('threshold hysteresis: a phase lasts at least minPhaseSteps and at most maxPhaseSteps', () => {
  const policy = thresholdPolicy({ discriminatorThreshold: 1.2, generatorThreshold: 1.0, minPhaseSteps: 2, maxPhaseSteps: 3 });
  const plans = script(policy, [{ discriminatorLoss: 0.1 }, { discriminatorLoss: 0.1 }, { generatorLoss: 5 }, { generatorLoss: 5 }, { generatorLoss: 5 }]);
  assert.deepEqual(plans, ['1/0', '0/1*', '0/1', '0/1', '1/0*']);
});

test('accuracy-band: waits for a full window, moves one update at a time within bounds, cools down, never flaps', () => {
  const policy = accuracyBandPolicy({ lo: 0.5, hi: 0.8, window: 3, cooldown: 2, bounds: { minD: 1, maxD: 3, minG: 1, maxG: 3 }, initialPlan: { d: 2, g: 1 } });
  const strongD = { discriminatorAccuracy: 0.95 };
  const plans = script(policy, [strongD, strongD, strongD, strongD, strongD, strongD, strongD, strongD, strongD]);
  // Window full at step 3: D 2→1. Cooldown 2: next change at step 5: G 1→2, step 7: G 2→3; then at the bounds.
  assert.deepEqual(plans, ['2/1', '2/1', '1/1*', '1/1', '1/2*', '1/2', '1/3*', '1/3', '1/3']);
});

test('accuracy-band: a weak D gets updates back; NaN accuracy is ignored; inside the band nothing moves', () => {
  const policy = accuracyBandPolicy({ lo: 0.5, hi: 0.8, window: 2, cooldown: 1, bounds: { minD: 1, maxD: 3, minG: 1, maxG: 3 }, initialPlan: { d: 1, g: 2 } });
  const plans = script(policy, [
    { discriminatorAccuracy: 0.2 },
    { discriminatorAccuracy: NaN },
    { discriminatorAccuracy: 0.3 }, // window [0.2, 0.3]: below 0.5 → G 2→1
    { discriminatorAccuracy: 0.3 }, // → D 1→2
    { discriminatorAccuracy: 0.7 },
    { discriminatorAccuracy: 0.7 }, // inside the band
  ]);
  assert.deepEqual(plans, ['1/2', '1/2', '1/1*', '2/1*', '2/1', '2/1']);
});

test('in a run: a fixed 2:1 plan is recorded as schedule.changed and makes two D updates per step', async () => {
  const trainer = await createTestTrainer(smallConfig({ steps: 3 }), [new AdaptiveRatioPlugin({ policy: 'fixed', d: 2, g: 1 })]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const changes = events.filter((event) => event.type === 'schedule.changed');
  assert.equal(changes.length, 1);
  assert.ok(changes[0].type === 'schedule.changed' && changes[0].to.d === 2 && changes[0].from.d === 1 && changes[0].step === 0);
  assert.equal(events.filter((event) => event.type === 'discriminator.stepped').length, 6);
  assert.deepEqual(trainer.state.schedule, { d: 2, g: 1 });
});

test('bad options are refused with the field named', () => {
  assert.throws(() => new AdaptiveRatioPlugin({ policy: 'accuracy-band', lo: 0.9, hi: 0.5 }), /adaptive-ratio options\.lo: lo must be below hi/);
  assert.throws(() => new AdaptiveRatioPlugin({ policy: 'sometimes' }), /adaptive-ratio options\.policy/);
});
