import { AsyncSeriesHook, AsyncSeriesWaterfallHook, SyncBailHook, SyncWaterfallHook } from 'tapable';
import type * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/dataset';
import type { NamedGradients, NetworkName } from '../model/gan-model';
import type { RunState } from '../state/run-state';
import type { TrainConfig } from '../config/train-config';

/** How many discriminator (d) and generator (g) updates one step makes. */
export interface StepPlan {
  d: number;
  g: number;
}

export interface RunContext {
  runId: string;
  runDir: string;
  config: TrainConfig;
  backend: string;
  dataset: Dataset;
}

export interface StepContext {
  step: number;
  /** The run as folded from its events so far (last losses, schedule, metrics, …). */
  state: RunState;
}

export interface GradientContext extends StepContext {
  net: NetworkName;
  /** Index of this update within the step. */
  update: number;
  /** The network's weights by the same names as the gradients (read, never assign). */
  weights: ReadonlyMap<string, tf.Variable>;
}

export interface StepOutcome extends StepContext {
  plan: StepPlan;
  discriminator: { loss: number; gradNorm: number; meanRealOutput: number; meanFakeOutput: number; accuracy: number }[];
  generator: { loss: number; gradNorm: number }[];
}

export interface EvaluationContext extends StepContext {
  dataset: Dataset;
  /** Generated samples the built-in metrics used, row-major [count, ...sampleShape]. */
  samples: Float32Array;
  sampleCount: number;
}

export type EvaluationMetrics = Record<string, number | null>;

export interface RunFailedContext {
  runId: string;
  /** What ended the run (as run.failed will record it). */
  error: { message: string; code?: string };
  state: RunState;
}

export interface RunEndContext {
  runId: string;
  reason: 'completed' | 'stopped' | 'interrupted' | 'failed';
  state: RunState;
}

/**
 * The trainer's whole extension surface, declared once (webpack's Compiler.js).
 * Waterfalls transform, the bail vetoes, async series hooks do I/O.
 */
export function createTrainerHooks() {
  return Object.freeze({
    /** Once, after run.started is recorded and before the first step. */
    runStart: new AsyncSeriesHook<[RunContext]>(['run']),
    /** Before each step: returns the step's plan (D and G update counts). */
    beforeStep: new SyncWaterfallHook<[StepPlan, StepContext]>(['plan', 'context']),
    /** Each D update, after gradients are computed and before they are applied: returns the gradients to apply. */
    discriminatorGradients: new SyncWaterfallHook<[NamedGradients, GradientContext]>(['gradients', 'context']),
    /** Each G update, likewise. */
    generatorGradients: new SyncWaterfallHook<[NamedGradients, GradientContext]>(['gradients', 'context']),
    /** After each step's updates are applied and their events published, and its evaluation when one is due (async: checkpoints write files here, last, at stage 100). */
    afterStep: new AsyncSeriesHook<[StepOutcome]>(['outcome']),
    /** At each evaluation, after the built-in metrics: returns the metrics to publish in eval.completed. */
    evaluate: new AsyncSeriesWaterfallHook<[EvaluationMetrics, EvaluationContext]>(['metrics', 'evaluation']),
    /** After afterStep: the first tap to return a reason (a string) stops the run. */
    shouldStop: new SyncBailHook<[StepOutcome], string | undefined>(['outcome']),
    /** Once, if the run fails (an error, or a plugin failure under failFast): before runEnd and run.failed (webpack's Compiler.hooks.failed). */
    failed: new AsyncSeriesHook<[RunFailedContext]>(['failure']),
    /** Once, after the last step and before the final event is written, whether the run completed, stopped or failed (flush sinks here). */
    runEnd: new AsyncSeriesHook<[RunEndContext]>(['run']),
  });
}

export type TrainerHooks = ReturnType<typeof createTrainerHooks>;
export type HookName = keyof TrainerHooks;
