import { z } from 'zod';
import type { PluginFactory, PluginHost, PluginStateContext, TrainerPlugin } from '../../core/trainer/plugin';
import type { StepPlan } from '../../core/trainer/trainer-hooks';
import { parsePluginOptions } from '../plugin-options';
import { accuracyBandPolicy, fixedPolicy, thresholdPolicy, type RatioPolicy } from './ratio-policies';

export const ADAPTIVE_RATIO = 'adaptive-ratio';

const count = z.number().int().min(0).max(100);
const boundsSchema = z
  .object({ minD: count.default(1), maxD: count.default(5), minG: count.default(1), maxG: count.default(5) })
  .strict()
  .default({})
  .refine((bounds) => bounds.minD <= bounds.maxD && bounds.minG <= bounds.maxG, { message: 'each min must be ≤ its max' });

export const adaptiveRatioOptionsSchema = z.discriminatedUnion('policy', [
  z.object({ policy: z.literal('fixed'), d: count.default(1), g: count.default(1) }).strict(),
  z
    .object({
      policy: z.literal('threshold'),
      discriminatorThreshold: z.number().default(1.2),
      generatorThreshold: z.number().default(1.0),
      minPhaseSteps: z.number().int().min(1).default(1),
      maxPhaseSteps: z.number().int().min(1).default(20),
    })
    .strict(),
  z
    .object({
      policy: z.literal('accuracy-band'),
      // Below chance: a GAN that converges (R1, BENCHMARKS.md) settles with D's accuracy
      // near 0.5, and a band above that would pile on D updates for nothing.
      lo: z.number().min(0).max(1).default(0.45),
      hi: z.number().min(0).max(1).default(0.8),
      window: z.number().int().min(1).default(50),
      cooldown: z.number().int().min(1).default(100),
      bounds: boundsSchema,
    })
    .strict(),
]).superRefine((options, context) => {
  if (options.policy === 'accuracy-band' && options.lo >= options.hi) context.addIssue({ code: 'custom', path: ['lo'], message: 'lo must be below hi' });
});

export type AdaptiveRatioOptions = z.input<typeof adaptiveRatioOptionsSchema>;

/**
 * Decides how many D and G updates each step makes (beforeStep), from what the last
 * step showed (afterStep), and records every change as `schedule.changed`.
 */
export class AdaptiveRatioPlugin implements TrainerPlugin {
  readonly name = ADAPTIVE_RATIO;
  readonly options: z.output<typeof adaptiveRatioOptionsSchema>;

  constructor(options: unknown = { policy: 'accuracy-band' }) {
    this.options = parsePluginOptions(ADAPTIVE_RATIO, adaptiveRatioOptionsSchema, { policy: 'accuracy-band', ...(options as object) });
  }

  createPolicy(): RatioPolicy {
    const options = this.options;
    switch (options.policy) {
      case 'fixed':
        return fixedPolicy({ d: options.d, g: options.g });
      case 'threshold':
        return thresholdPolicy(options);
      case 'accuracy-band':
        return accuracyBandPolicy({ ...options, initialPlan: { d: Math.max(1, options.bounds.minD), g: Math.max(1, options.bounds.minG) } });
    }
  }

  /** Set in apply: the plan in force, the policy, and how to change the plan (recording it). */
  private live?: { plan: () => StepPlan; policy: RatioPolicy; change(next: StepPlan, reason: string): void; restored: boolean };

  saveState(): unknown {
    return this.live ? { plan: this.live.plan(), policy: this.live.policy.state() } : null;
  }

  loadState(state: unknown, context: PluginStateContext): void {
    if (!this.live || state === null) return;
    const saved = state as { plan: StepPlan; policy: unknown };
    this.live.policy.restore(saved.policy);
    this.live.restored = true;
    // Recorded, so the run's own schedule (RunState, the log) follows the plan in force.
    this.live.change(saved.plan, `restored from the checkpoint at step ${context.checkpointStep}`);
  }

  apply(trainer: PluginHost): void {
    const policy = this.createPolicy();
    let plan: StepPlan = { d: 1, g: 1 };
    const change = (next: StepPlan, reason: string) => {
      if (next.d === plan.d && next.g === plan.g) return;
      trainer.publish('schedule.changed', { from: plan, to: next, reason });
      plan = next;
    };
    const live = (this.live = { plan: () => plan, policy, change, restored: false });
    // A resumed run's plan came from its checkpoint (loadState runs before runStart).
    trainer.hooks.runStart.tap(ADAPTIVE_RATIO, () => {
      if (!live.restored) change(policy.initialPlan, `${this.options.policy} policy starts`);
    });
    trainer.hooks.beforeStep.tap(ADAPTIVE_RATIO, () => plan);
    trainer.hooks.afterStep.tap(ADAPTIVE_RATIO, (outcome) => {
      const lastDiscriminator = outcome.discriminator.at(-1);
      const decision = policy.decide({
        step: outcome.step,
        discriminatorLoss: lastDiscriminator?.loss,
        discriminatorAccuracy: lastDiscriminator?.accuracy,
        generatorLoss: outcome.generator.at(-1)?.loss,
      });
      if (decision.reason) change(decision.plan, decision.reason);
    });
  }
}

export const adaptiveRatio: PluginFactory = (options) => new AdaptiveRatioPlugin(options);
