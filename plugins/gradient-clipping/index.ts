import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { NetworkName } from '../../core/model/gan-model';
import type { PluginFactory, PluginHost, TrainerPlugin } from '../../core/trainer/plugin';
import { parsePluginOptions } from '../plugin-options';
import { toMeasured } from '../../core/events/run-event';
import { clipGradients, type ClipRule } from './clip-gradients';
import { SortedWindow } from './sorted-window';

export const GRADIENT_CLIPPING = 'gradient-clipping';

const clipRuleSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('value'), value: z.number().positive() }).strict(),
  z.object({ mode: z.literal('norm'), maxNorm: z.number().positive() }).strict(),
  z.object({ mode: z.literal('layer-norm'), maxNorm: z.number().positive() }).strict(),
  // Brock et al. 2021 defaults; the output layer is left alone, as the paper advises.
  z.object({ mode: z.literal('agc'), lambda: z.number().positive().default(0.01), epsilon: z.number().positive().default(1e-3), skipOutputLayer: z.boolean().default(true) }).strict(),
  // Seetharaman et al. 2020: clip at the p-th percentile of the norms seen so far.
  z.object({ mode: z.literal('autoclip'), percentile: z.number().gt(0).max(100).default(10), history: z.number().int().min(1).max(1_000_000).default(10_000) }).strict(),
]);

export const gradientClippingOptionsSchema = z
  .object({
    /** `false` leaves that network's gradients alone. */
    // Default: AutoClip at the 90th percentile, clipping only outlying norms. At the
    // paper's p = 10 (clip 90 % of updates), ring8 lost modes and precision in
    // bench/mode-collapse.ts (BENCHMARKS.md).
    discriminator: z.union([clipRuleSchema, z.literal(false)]).default({ mode: 'autoclip', percentile: 90 }),
    generator: z.union([clipRuleSchema, z.literal(false)]).default({ mode: 'autoclip', percentile: 90 }),
  })
  .strict();

export type GradientClippingOptions = z.input<typeof gradientClippingOptionsSchema>;
type ConfiguredRule = z.output<typeof clipRuleSchema>;

interface PendingStats {
  net: NetworkName;
  mode: string;
  stats: tf.Tensor1D;
}

/**
 * Clips each network's gradients in its gradients hook and records a
 * `gradients.clipped` event whenever that changed them. The statistics stay on the
 * device until afterStep, after the trainer's own read-back, so clipping adds no
 * synchronisation point inside a step.
 */
export class GradientClippingPlugin implements TrainerPlugin {
  readonly name = GRADIENT_CLIPPING;
  readonly options: z.output<typeof gradientClippingOptionsSchema>;

  constructor(options: unknown = {}) {
    this.options = parsePluginOptions(GRADIENT_CLIPPING, gradientClippingOptionsSchema, options);
  }

  /** AutoClip's norm histories, by network: the plugin's state. */
  private readonly normHistories: Partial<Record<NetworkName, SortedWindow>> = {};

  saveState(): Partial<Record<NetworkName, number[]>> {
    return Object.fromEntries(Object.entries(this.normHistories).map(([net, history]) => [net, history.values()]));
  }

  loadState(state: unknown): void {
    const saved = state as Partial<Record<NetworkName, number[]>>;
    for (const [net, history] of Object.entries(this.normHistories) as [NetworkName, SortedWindow][]) history.refill(saved[net] ?? []);
  }

  apply(trainer: PluginHost): void {
    const pending: PendingStats[] = [];
    for (const net of ['discriminator', 'generator'] as const) {
      const configured = this.options[net];
      if (configured === false) continue;
      const normHistory = configured.mode === 'autoclip' ? new SortedWindow(configured.history) : undefined;
      if (normHistory) {
        this.normHistories[net] = normHistory;
        // AutoClip's history is the raw norms the trainer records; it holds the updates
        // before this one (the paper also counts the current norm, which would need a
        // synchronous read-back mid-step).
        trainer.events$.subscribe((event) => {
          if (event.type === `${net}.stepped` && 'gradNorm' in event && event.gradNorm !== null) normHistory.add(event.gradNorm);
        });
      }
      const hook = net === 'discriminator' ? trainer.hooks.discriminatorGradients : trainer.hooks.generatorGradients;
      hook.tap(GRADIENT_CLIPPING, (gradients, context) => {
        const rule = ruleForUpdate(configured, normHistory);
        if (!rule) return gradients;
        const { gradients: clipped, stats } = clipGradients(gradients, rule, context.weights);
        pending.push({ net, mode: configured.mode, stats: tf.keep(stats) });
        return clipped;
      });
    }
    trainer.hooks.afterStep.tap(GRADIENT_CLIPPING, () => {
      for (const { net, mode, stats } of pending.splice(0)) {
        // Already computed: the trainer has awaited this step's results.
        const [normBefore, normAfter, clippedFraction] = stats.dataSync();
        stats.dispose();
        if (clippedFraction > 0) {
          trainer.publish('gradients.clipped', { net, mode, normBefore: toMeasured(normBefore), normAfter: toMeasured(normAfter), clippedFraction });
        }
      }
    });
    trainer.hooks.runEnd.tap(GRADIENT_CLIPPING, () => pending.splice(0).forEach(({ stats }) => stats.dispose()));
  }
}

function ruleForUpdate(configured: ConfiguredRule, normHistory: SortedWindow | undefined): ClipRule | undefined {
  if (configured.mode !== 'autoclip') return configured;
  const threshold = normHistory!.percentile(configured.percentile);
  return threshold === undefined ? undefined : { mode: 'autoclip', maxNorm: threshold };
}

export const gradientClipping: PluginFactory = (options) => new GradientClippingPlugin(options);
