import type { StepPlan } from '../../core/trainer/trainer-hooks';

/** What a policy sees after each step: the last update's values of each network. */
export interface RatioObservation {
  step: number;
  discriminatorLoss?: number;
  generatorLoss?: number;
  discriminatorAccuracy?: number;
}

export interface RatioDecision {
  plan: StepPlan;
  /** Set when the plan changed, saying why. */
  reason?: string;
}

export interface RatioBounds {
  minD: number;
  maxD: number;
  minG: number;
  maxG: number;
}

/** A policy is a decider: given the observation of the step just done, the plan for the next. */
export interface RatioPolicy {
  readonly initialPlan: StepPlan;
  decide(observation: RatioObservation): RatioDecision;
  /** What the policy remembers, as plain JSON (for checkpoints), and putting it back. */
  state(): unknown;
  restore(state: unknown): void;
}

/** TF-GAN's GANTrainSteps: a constant number of D and G updates per step. */
export function fixedPolicy(plan: StepPlan): RatioPolicy {
  return { initialPlan: plan, decide: () => ({ plan }), state: () => null, restore: () => undefined };
}

/**
 * fastai's AdaptiveGANSwitcher: train one network until its loss falls below its
 * threshold, then switch to the other. Hysteresis: a phase lasts at least
 * `minPhaseSteps`; and at most `maxPhaseSteps`, so neither network starves.
 */
export function thresholdPolicy(options: { discriminatorThreshold: number; generatorThreshold: number; minPhaseSteps: number; maxPhaseSteps: number }): RatioPolicy {
  const trainDiscriminator: StepPlan = { d: 1, g: 0 };
  const trainGenerator: StepPlan = { d: 0, g: 1 };
  let training: 'discriminator' | 'generator' = 'discriminator';
  let stepsInPhase = 0;
  return {
    initialPlan: trainDiscriminator,
    decide(observation) {
      stepsInPhase++;
      const loss = training === 'discriminator' ? observation.discriminatorLoss : observation.generatorLoss;
      const threshold = training === 'discriminator' ? options.discriminatorThreshold : options.generatorThreshold;
      let reason: string | undefined;
      if (stepsInPhase >= options.minPhaseSteps && loss !== undefined && loss < threshold) {
        reason = `${training} loss ${loss.toFixed(4)} < ${threshold}`;
      } else if (stepsInPhase >= options.maxPhaseSteps) {
        reason = `${training} trained for ${stepsInPhase} steps (maxPhaseSteps)`;
      }
      if (reason) {
        training = training === 'discriminator' ? 'generator' : 'discriminator';
        stepsInPhase = 0;
      }
      return { plan: training === 'discriminator' ? trainDiscriminator : trainGenerator, reason };
    },
    state: () => ({ training, stepsInPhase }),
    restore(state) {
      ({ training, stepsInPhase } = state as { training: typeof training; stepsInPhase: number });
    },
  };
}

/**
 * Keeps D's accuracy (on real and generated together) inside [lo, hi]: above hi, D is
 * winning, so one update moves from D to G (fewer D updates first, then more G);
 * below lo, the other way. The accuracy is averaged over `window` steps, and after a
 * change the policy waits `cooldown` steps, so it does not flap on noise.
 */
export function accuracyBandPolicy(options: { lo: number; hi: number; window: number; cooldown: number; bounds: RatioBounds; initialPlan: StepPlan }): RatioPolicy {
  const { lo, hi, window, cooldown, bounds } = options;
  let plan = options.initialPlan;
  const recent: number[] = [];
  let stepsSinceChange = 0;
  return {
    initialPlan: plan,
    decide(observation) {
      stepsSinceChange++;
      if (observation.discriminatorAccuracy !== undefined && Number.isFinite(observation.discriminatorAccuracy)) {
        recent.push(observation.discriminatorAccuracy);
        if (recent.length > window) recent.shift();
      }
      if (recent.length < window || stepsSinceChange < cooldown) return { plan };
      const accuracy = recent.reduce((sum, value) => sum + value, 0) / recent.length;
      let next = plan;
      if (accuracy > hi) {
        if (plan.d > bounds.minD) next = { d: plan.d - 1, g: plan.g };
        else if (plan.g < bounds.maxG) next = { d: plan.d, g: plan.g + 1 };
      } else if (accuracy < lo) {
        if (plan.g > bounds.minG) next = { d: plan.d, g: plan.g - 1 };
        else if (plan.d < bounds.maxD) next = { d: plan.d + 1, g: plan.g };
      }
      if (next === plan) return { plan };
      plan = next;
      stepsSinceChange = 0;
      return { plan, reason: `D accuracy ${accuracy.toFixed(3)} over ${window} steps is ${accuracy > hi ? `above ${hi}` : `below ${lo}`}` };
    },
    state: () => ({ plan, recent: [...recent], stepsSinceChange }),
    restore(state) {
      const saved = state as { plan: StepPlan; recent: number[]; stepsSinceChange: number };
      plan = saved.plan;
      recent.splice(0, recent.length, ...saved.recent);
      stepsSinceChange = saved.stepsSinceChange;
    },
  };
}
