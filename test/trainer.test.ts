import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { map } from 'rxjs';
import { readEventLog } from '../core/events/event-log-reader';
import type { RunEvent } from '../core/events/run-event';
import type { TrainerPlugin } from '../core/trainer/plugin';
import { createTestTrainer, smallConfig } from './support/run-helpers';

function plugin(name: string, apply: TrainerPlugin['apply']): TrainerPlugin {
  return { name, apply };
}

test('a run records run.started, each update, evaluations and run.finished, gapless from seq 0', async () => {
  const trainer = await createTestTrainer(smallConfig({ steps: 12 }));
  const streamed: RunEvent[] = [];
  trainer.events$.subscribe((event) => streamed.push(event));
  const state = await trainer.run();

  const { events, problems } = readEventLog(trainer.runDir, { strict: true });
  assert.deepEqual(problems, []);
  assert.deepEqual(streamed, events, 'events$ carries exactly what the log holds, in the same order');
  assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index));
  assert.equal(events[0].type, 'run.started');
  assert.equal(events.at(-1)!.type, 'run.finished');
  assert.equal(events.filter((event) => event.type === 'discriminator.stepped').length, 12);
  assert.equal(events.filter((event) => event.type === 'generator.stepped').length, 12);
  const evaluations = events.filter((event) => event.type === 'eval.completed');
  assert.deepEqual(evaluations.map((event) => event.step), [5, 10, 12], 'every 5 steps and at the end');
  for (const evaluation of evaluations) {
    assert.deepEqual(Object.keys(evaluation.metrics).sort(), ['highQualityFraction', 'modesCovered', 'reverseKL']);
  }
  const started = events[0];
  assert.ok(started.type === 'run.started' && started.backend === 'wasm' && started.versions['@tensorflow/tfjs-core'] && started.config.steps === 12);
  assert.equal(state.status, 'finished');
  assert.equal(state.step, 12);
});

test('the same config and seed give the same losses; another seed does not', async () => {
  const losses = async (seed: number) => {
    const trainer = await createTestTrainer(smallConfig({ seed, steps: 8 }));
    await trainer.run();
    return readEventLog(trainer.runDir).events.flatMap((event) =>
      event.type === 'discriminator.stepped' || event.type === 'generator.stepped' ? [event.loss] : [],
    );
  };
  const first = await losses(3);
  assert.deepEqual(await losses(3), first);
  assert.notDeepEqual(await losses(4), first);
});

test('no tensor leaks: tf.memory().numTensors is flat across steps, evaluations included', async () => {
  const counts: number[] = [];
  const memoryProbe = plugin('memory-probe', (trainer) => {
    trainer.hooks.afterStep.tap('memory-probe', () => void counts.push(tf.memory().numTensors));
    // A gradient hook that makes new tensors, as clipping does: the trainer must dispose them.
    trainer.hooks.generatorGradients.tap('memory-probe', (gradients) => {
      const scaled: typeof gradients = {};
      for (const [name, gradient] of Object.entries(gradients)) scaled[name] = tf.mul(gradient, 0.5);
      return scaled;
    });
  });
  const before = tf.memory().numTensors;
  const trainer = await createTestTrainer(smallConfig({ steps: 15, evaluation: { every: 3, samples: 100 } }), [memoryProbe]);
  await trainer.run();
  assert.equal(counts.length, 15);
  assert.ok(counts.every((count) => count === counts[0]), `numTensors per step: ${counts.join(', ')}`);
  assert.equal(tf.memory().numTensors, before, 'everything is disposed when the run ends');
});

test('beforeStep sets how many D and G updates a step makes', async () => {
  const twoDiscriminatorUpdates = plugin('two-d', (trainer) => {
    trainer.hooks.beforeStep.tap('two-d', (plan, { step }) => (step > 2 ? { d: 2, g: 1 } : plan));
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 4 }), [twoDiscriminatorUpdates]);
  await trainer.run();
  const updates = readEventLog(trainer.runDir).events.filter((event) => event.type === 'discriminator.stepped');
  assert.deepEqual(updates.map((event) => [event.step, event.type === 'discriminator.stepped' && event.update]), [[1, 0], [2, 0], [3, 0], [3, 1], [4, 0], [4, 1]]);
});

test('gradient hooks decide what is applied: zeroed generator gradients leave G unchanged', async () => {
  let weightsAtStart: Float32Array[] = [];
  let weightsAtEnd: Float32Array[] = [];
  const freezeGenerator = plugin('freeze-generator', (trainer) => {
    trainer.hooks.runStart.tap('freeze-generator', () => {
      weightsAtStart = [...trainer.weights('generator').values()].map((weight) => weight.dataSync() as Float32Array);
    });
    trainer.hooks.generatorGradients.tap('freeze-generator', (gradients, context) => {
      assert.equal(context.net, 'generator');
      assert.deepEqual(Object.keys(gradients).sort(), [...context.weights.keys()].sort());
      return Object.fromEntries(Object.entries(gradients).map(([name, gradient]) => [name, tf.zerosLike(gradient)]));
    });
    trainer.hooks.afterStep.tap('freeze-generator', () => {
      weightsAtEnd = [...trainer.weights('generator').values()].map((weight) => weight.dataSync() as Float32Array);
    });
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 5 }), [freezeGenerator]);
  await trainer.run();
  assert.equal(weightsAtStart.length, 4);
  assert.deepEqual(weightsAtEnd, weightsAtStart);
});

test('shouldStop ends the run early with reason "stopped" and its detail, after a final evaluation', async () => {
  const stopAtThree = plugin('stop-at-three', (trainer) => {
    trainer.hooks.shouldStop.tap('stop-at-three', ({ step }) => (step === 3 ? 'enough' : undefined));
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 50 }), [stopAtThree]);
  await trainer.run();
  const events = readEventLog(trainer.runDir).events;
  const finished = events.at(-1)!;
  assert.ok(finished.type === 'run.finished');
  assert.equal(finished.reason, 'stopped');
  assert.equal(finished.detail, 'enough');
  assert.equal(finished.step, 3);
  assert.equal(events.at(-2)!.type, 'eval.completed');
});

test('plugins publish their own events through the trainer: stamped, logged and streamed in seq order', async () => {
  const seenBySecondSubscriber: number[] = [];
  const echo = plugin('echo', (trainer) => {
    trainer.events$.subscribe((event) => {
      if (event.type === 'generator.stepped') trainer.publish('plugin.custom', { plugin: 'echo', name: 'saw-generator-step', data: { loss: event.loss } });
    });
    trainer.events$.subscribe((event) => seenBySecondSubscriber.push(event.seq));
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 3 }), [echo]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const custom = events.filter((event) => event.type === 'plugin.custom');
  assert.equal(custom.length, 3);
  assert.ok(custom.every((event) => event.runId === trainer.runId));
  assert.deepEqual(seenBySecondSubscriber, events.map((event) => event.seq), 'every subscriber sees seq order, even for events published mid-delivery');
  assert.throws(() => trainer.publish('plugin.custom', { plugin: 'late', name: 'x', data: {} }), /has ended/);
});

test('an invalid plugin event is refused without using up a seq', async () => {
  const sloppy = plugin('sloppy', (trainer) => {
    trainer.hooks.afterStep.tap('sloppy', () => {
      assert.throws(() => trainer.publish('schedule.changed', { from: { d: 1, g: 1 }, to: { d: -1, g: 1 }, reason: 'x' }), /field "to.d"/);
    });
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 2 }), [sloppy]);
  await trainer.run();
  assert.deepEqual(readEventLog(trainer.runDir, { strict: true }).problems, []);
});

test('a tap or subscriber that throws becomes plugin.failed and training goes on', async () => {
  const clumsy = plugin('clumsy', (trainer) => {
    trainer.hooks.afterStep.tap('clumsy', ({ step }) => {
      if (step === 2) throw new Error('tap broke');
    });
    trainer.hooks.generatorGradients.tap('clumsy', () => {
      throw new Error('gradient tap broke');
    });
    trainer.events$.subscribe((event) => {
      if (event.type === 'discriminator.stepped' && event.step === 3) throw new Error('subscriber broke');
    });
    // An operator that throws ends that subscription; the plugin gave no error callback.
    trainer.events$.pipe(map((event) => {
      if (event.type === 'generator.stepped' && event.step === 4) throw new Error('operator broke');
      return event;
    })).subscribe(() => undefined);
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 6 }), [clumsy]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const failures = events.filter((event) => event.type === 'plugin.failed');
  const bySource = (source: string) => failures.filter((event) => event.type === 'plugin.failed' && event.source === source);
  assert.equal(bySource('afterStep').length, 1);
  assert.equal(bySource('generatorGradients').length, 6, 'the waterfall went on with the gradients it was given');
  assert.ok(failures.every((event) => event.type === 'plugin.failed' && event.plugin === 'clumsy'));
  assert.equal(events.at(-1)!.type, 'run.finished');
  assert.equal(events.filter((event) => event.type === 'generator.stepped').length, 6);
  const subscriberFailure = bySource('events$');
  assert.deepEqual(subscriberFailure.map((event) => event.type === 'plugin.failed' && event.error.message), ['subscriber broke', 'operator broke']);
  assert.equal(subscriberFailure[0].step, 3, 'reported at once, not from a later timer');
});

test('with failFast, a plugin failure fails the run with run.failed', async () => {
  const clumsy = plugin('clumsy', (trainer) => {
    trainer.hooks.afterStep.tap('clumsy', ({ step }) => {
      if (step === 2) throw new Error('tap broke');
    });
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 6, failFast: true }), [clumsy]);
  await assert.rejects(trainer.run(), /plugin clumsy failed in afterStep \(failFast is on\): tap broke/);
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  assert.deepEqual(events.slice(-2).map((event) => event.type), ['plugin.failed', 'run.failed']);
  assert.equal(events.at(-1)!.step, 2);
});

test('an error inside training ends the log with run.failed carrying the error', async () => {
  const badPlan = plugin('bad-plan', (trainer) => {
    trainer.hooks.beforeStep.tap('bad-plan', (_plan, { step }) => (step === 2 ? { d: 0, g: 0 } : { d: 1, g: 1 }));
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 6 }), [badPlan]);
  await assert.rejects(trainer.run(), /invalid plan/);
  const last = readEventLog(trainer.runDir, { strict: true }).events.at(-1)!;
  assert.ok(last.type === 'run.failed' && /invalid plan \{"d":0,"g":0\}/.test(last.error.message));
});

test('a failing run fires failed, then runEnd with reason "failed" (sinks flush), then records run.failed', async () => {
  const heard: string[] = [];
  const listener = plugin('listener', (trainer) => {
    trainer.hooks.beforeStep.tap('listener', (_plan, { step }) => (step === 3 ? { d: 0, g: 0 } : { d: 1, g: 1 }));
    trainer.hooks.failed.tap('listener', ({ error }) => void heard.push(`failed: ${error.message.split(' an ')[0]}`));
    trainer.hooks.runEnd.tap('listener', ({ reason }) => void heard.push(`runEnd: ${reason}`));
    trainer.events$.subscribe((event) => {
      if (event.type === 'run.failed') heard.push('run.failed');
    });
  });
  const trainer = await createTestTrainer(smallConfig({ steps: 6 }), [listener]);
  await assert.rejects(trainer.run(), /invalid plan/);
  assert.deepEqual(heard, ['failed: beforeStep returned', 'runEnd: failed', 'run.failed']);
});
