import type { TrainConfig } from '../config/train-config';

/**
 * The factor a learning rate is multiplied by at `step` (1-based) of a run of `steps`:
 * 1 until `startFraction` of the steps, then falling linearly to `finalFactor` at the
 * last step. Late in a run a constant rate keeps G circling its target, which blurs
 * every mode; decaying it lets the samples settle (BENCHMARKS.md, mode collapse).
 */
export function learningRateFactor(decay: TrainConfig['learningRateDecay'], step: number, steps: number): number {
  if (!decay) return 1;
  const start = decay.startFraction * steps;
  if (step <= start) return 1;
  const progress = Math.min(1, (step - start) / (steps - start));
  return 1 - progress * (1 - decay.finalFactor);
}
