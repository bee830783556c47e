import * as path from 'node:path';
import { z } from 'zod';
import { sampleSize, type Dataset } from '../../core/data/dataset';
import type { PluginFactory, PluginHost, PluginStateContext, TrainerPlugin } from '../../core/trainer/plugin';
import { SeededRandom } from '../../core/util/seeded-random';
import { parsePluginOptions } from '../plugin-options';
import { SignalMonitor, type SignalMonitorState, type SignalTransition } from './signal-monitor';
import { diversityRatio, failingDrift, modeCoverageAndEntropy } from './signals';

export const COLLAPSE_DETECTION = 'collapse-detection';
const NON_FINITE = 'non-finite';

const below = (threshold: number) => z.union([z.object({ below: z.number().default(threshold) }).strict(), z.literal(false)]).default({ below: threshold });

export const collapseDetectionOptionsSchema = z
  .object({
    /** Steps between checks that sample the generator (diversity, modes, drift). */
    checkEvery: z.number().int().min(1).default(50),
    sampleSize: z.number().int().min(2).max(10_000).default(512),
    /** Before this step only non-finite values are acted on: early training is supposed to move. */
    warmupSteps: z.number().int().min(0).default(300),
    /** Consecutive checks past a threshold before suspected becomes detected. */
    confirmations: z.number().int().min(1).default(3),
    diversityRatio: below(0.5),
    modeCoverage: below(0.75),
    modeEntropy: below(0.6),
    vanishingGradients: z
      .union([
        z.object({ generatorGradNormBelow: z.number().positive().default(1e-3), discriminatorLossBelow: z.number().positive().default(0.05), window: z.number().int().min(1).default(100) }).strict(),
        z.literal(false),
      ])
      .default({}),
    drift: z
      .union([
        z
          .object({
            window: z.number().int().min(10).default(1000),
            blocks: z.number().int().min(3).default(20),
            zAbove: z.number().positive().default(4),
            minRelativeChange: z.number().min(0).default(0.25),
          })
          .strict(),
        z.literal(false),
      ])
      .default({}),
    nonFinite: z.boolean().default(true),
    /**
     * For datasets without modes (sequences, fields): MMD to the real reference set at an
     * evaluation, over the lowest MMD the run has reached. A generator that collapses
     * onto a few outputs moves away from the real distribution, so MMD climbs from its
     * best. Read from eval.completed, so a replay recomputes it.
     */
    mmdRise: z
      .union([z.object({ above: z.number().gt(1).default(3), confirmations: z.number().int().min(1).default(2) }).strict(), z.literal(false)])
      .default({}),
    /**
     * warn: events only. stop: end the run (shouldStop) once a collapse is detected.
     * rollback: restore the last checkpoint taken before the onset (needs the
     * checkpoint plugin), apply `rollback`'s changes and carry on; after
     * `rollback.maxRollbacks` rollbacks, stop instead.
     */
    action: z.enum(['warn', 'stop', 'rollback']).default('rollback'),
    rollback: z
      .object({
        /** The generator's learning rate is multiplied by this at each rollback. */
        generatorLearningRateFactor: z.number().gt(0).max(1).default(0.5),
        /**
         * Steps a detected collapse must last, without recovering, before the rollback
         * (non-finite values roll back at once: they never recover). Early in a healthy
         * run the generator's coverage can dip for a few checks and come back by itself;
         * rolling back then only costs it (BENCHMARKS.md, mode collapse).
         */
        afterSteps: z.number().int().min(0).default(250),
        /** D updates added to every step's plan after a rollback (cumulative). */
        extraDiscriminatorUpdates: z.number().int().min(0).max(10).default(0),
        maxRollbacks: z.number().int().min(1).default(3),
      })
      .strict()
      .default({}),
    /** Seed of the real batches the checks compare against. */
    seed: z.number().int().min(0).default(0),
  })
  .strict();

export type CollapseDetectionOptions = z.input<typeof collapseDetectionOptionsSchema>;

/** What the detector remembers, as plain JSON (non-finite numbers as null): see saveState. */
interface CollapseDetectionState {
  monitors: SignalMonitorState[];
  discriminatorLosses: number[];
  generatorLosses: number[];
  vanishingSteps: number;
  lastDiscriminatorLoss: number | null;
  lastDriftCheckStep: number;
  lowestMmd: number | null;
  random: number;
  checkpoints: { step: number; path: string; hash: string }[];
  rollbacks: number;
  extraDiscriminatorUpdates: number;
  rollbacksExhausted: boolean;
}

/**
 * Watches a run for the ways GANs fail (docs/plugins.md gives each signal's formula)
 * and records `collapse.suspected`, `collapse.detected` and `collapse.recovered`
 * events. Loss-based signals come from the event stream; sample-based ones from a
 * small generated batch every `checkEvery` steps.
 */
export class CollapseDetectionPlugin implements TrainerPlugin {
  readonly name = COLLAPSE_DETECTION;
  readonly options: z.output<typeof collapseDetectionOptionsSchema>;

  constructor(options: unknown = {}) {
    this.options = parsePluginOptions(COLLAPSE_DETECTION, collapseDetectionOptionsSchema, options);
  }

  /** Set in apply: reads and replaces the detector's memory (its windows, monitors, random stream, rollbacks). */
  private memory?: { save(): CollapseDetectionState; load(state: CollapseDetectionState): void };

  saveState(): CollapseDetectionState | null {
    return this.memory?.save() ?? null;
  }

  loadState(state: unknown, context: PluginStateContext): void {
    // A restore during the run is a rollback, which this plugin starts and follows with
    // its own reset (every signal afresh, the rollback counted): nothing to put back.
    if (context.reason === 'restore' || state === null) return;
    this.memory?.load(state as CollapseDetectionState);
  }

  apply(trainer: PluginHost): void {
    const options = this.options;
    const monitors = new Map<string, SignalMonitor>();
    const monitor = (signal: string, threshold: number, direction: 'below' | 'above', confirmations = options.confirmations) => {
      let existing = monitors.get(signal);
      if (!existing) monitors.set(signal, (existing = new SignalMonitor(signal, threshold, direction, confirmations)));
      return existing;
    };
    let pendingRollback: SignalMonitor | undefined;
    const observe = (target: SignalMonitor, value: number) => {
      const transition = target.observe(value, trainer.step);
      if (transition) publishTransition(trainer, transition, target, value);
      if (options.action === 'rollback' && target.state === 'detected' && (target.signal === NON_FINITE || trainer.step - target.detectedStep! >= options.rollback.afterSteps)) pendingRollback ??= target;
    };

    // Loss-based signals, from the stream.
    const discriminatorLosses: number[] = [];
    const generatorLosses: number[] = [];
    const lossWindow = options.drift ? options.drift.window : 0;
    let vanishingSteps = 0;
    let lastDiscriminatorLoss = NaN;
    let lastDriftCheckStep = -1;
    // Evaluation-based signals, from the stream.
    let lowestMmd = Infinity;
    trainer.events$.subscribe((event) => {
      if (event.type !== 'eval.completed' || !options.mmdRise) return;
      const mmd = event.metrics.mmd;
      if (mmd === undefined) return;
      if (mmd !== null && mmd < lowestMmd) lowestMmd = mmd;
      if (event.step <= options.warmupSteps || !(lowestMmd > 0)) return;
      observe(monitor('mmd-rise', options.mmdRise.above, 'above', options.mmdRise.confirmations), mmd === null ? NaN : mmd / lowestMmd);
    });

    trainer.events$.subscribe((event) => {
      if (event.type !== 'discriminator.stepped' && event.type !== 'generator.stepped') return;
      if (options.nonFinite) observe(monitor(NON_FINITE, 0, 'above', 1), event.loss === null || event.gradNorm === null ? NaN : 0);
      const losses = event.type === 'discriminator.stepped' ? discriminatorLosses : generatorLosses;
      if (lossWindow > 0 && event.loss !== null) {
        losses.push(event.loss);
        if (losses.length > lossWindow) losses.shift();
      }
      if (event.type === 'discriminator.stepped') lastDiscriminatorLoss = event.loss ?? NaN;
      // Drift is checked from the stream too (every checkEvery steps, on G's last update
      // of the step), so a replay of the log recomputes it.
      if (event.type === 'generator.stepped' && options.drift && event.step > options.warmupSteps && event.step % options.checkEvery === 0 && event.step !== lastDriftCheckStep && discriminatorLosses.length >= options.drift.window) {
        lastDriftCheckStep = event.step;
        const { zAbove, blocks, minRelativeChange } = options.drift;
        observe(monitor('drift:discriminator-loss-falling', zAbove, 'above'), failingDrift(discriminatorLosses, 'falling', blocks, minRelativeChange));
        observe(monitor('drift:generator-loss-rising', zAbove, 'above'), failingDrift(generatorLosses, 'rising', blocks, minRelativeChange));
      }
      if (event.type === 'generator.stepped' && options.vanishingGradients && event.step > options.warmupSteps) {
        const { generatorGradNormBelow, discriminatorLossBelow, window } = options.vanishingGradients;
        const vanishing = event.gradNorm !== null && event.gradNorm < generatorGradNormBelow && lastDiscriminatorLoss < discriminatorLossBelow;
        vanishingSteps = vanishing ? vanishingSteps + 1 : 0;
        observe(monitor('vanishing-gradients', window - 1, 'above', 1), vanishingSteps);
      }
    });

    // Sample-based signals, every checkEvery steps (live only: replay has no generator).
    let dataset: Dataset | undefined;
    const random = new SeededRandom(options.seed);
    trainer.hooks.runStart.tap(COLLAPSE_DETECTION, (run) => void (dataset = run.dataset));
    const checkSamples = (step: number) => {
      if (step <= options.warmupSteps || step % options.checkEvery !== 0 || !dataset) return;
      const dimension = sampleSize(dataset);
      const generated = trainer.sampleGenerator(options.sampleSize, random.nextSeed());
      if (options.diversityRatio) observe(monitor('diversity-ratio', options.diversityRatio.below, 'below'), diversityRatio(generated, dataset.sample(options.sampleSize, random), dimension));
      if (dataset.assignModes && dataset.modeCount && (options.modeCoverage || options.modeEntropy)) {
        const { coverage, entropy } = modeCoverageAndEntropy(dataset.assignModes(generated, options.sampleSize), dataset.modeCount);
        if (options.modeCoverage) observe(monitor('mode-coverage', options.modeCoverage.below, 'below'), coverage);
        if (options.modeEntropy) observe(monitor('mode-entropy', options.modeEntropy.below, 'below'), entropy);
      }
    };

    // Rollback: the checkpoints the run has saved, from the stream.
    const checkpoints: { step: number; path: string; hash: string }[] = [];
    let rollbacks = 0;
    let extraDiscriminatorUpdates = 0;
    let rollbacksExhausted = false;
    trainer.events$.subscribe((event) => {
      if (event.type === 'checkpoint.saved') checkpoints.push({ step: event.step, path: event.path, hash: event.hash });
    });
    const rollBack = async (detected: SignalMonitor) => {
      const onsetStep = detected.onsetStep ?? trainer.step;
      const before = checkpoints.filter((checkpoint) => checkpoint.step < onsetStep).at(-1);
      if (!before || rollbacks >= options.rollback.maxRollbacks) {
        rollbacksExhausted = true;
        trainer.publish('plugin.custom', {
          plugin: COLLAPSE_DETECTION,
          name: 'rollback-impossible',
          data: { signal: detected.signal, onsetStep, reason: before ? `maxRollbacks (${options.rollback.maxRollbacks}) reached` : 'no checkpoint before the onset' },
        });
        return;
      }
      rollbacks++;
      await trainer.restoreCheckpoint(before.path, { expectedHash: before.hash });
      const learningRate = trainer.learningRate('generator');
      const lowered = learningRate * options.rollback.generatorLearningRateFactor;
      trainer.setLearningRate('generator', lowered);
      extraDiscriminatorUpdates += options.rollback.extraDiscriminatorUpdates;
      trainer.publish('collapse.rolledBack', {
        signal: detected.signal,
        onsetStep,
        checkpointStep: before.step,
        changes: {
          ...(lowered !== learningRate ? { generatorLearningRate: { from: learningRate, to: lowered } } : {}),
          ...(options.rollback.extraDiscriminatorUpdates > 0 ? { extraDiscriminatorUpdates } : {}),
        },
      });
      // The restored model has not collapsed: start every signal afresh.
      monitors.clear();
      discriminatorLosses.length = 0;
      generatorLosses.length = 0;
      vanishingSteps = 0;
    };

    const finiteOrNull = (value: number) => (Number.isFinite(value) ? value : null);
    this.memory = {
      save: () => ({
        monitors: [...monitors.values()].map((entry) => entry.toJSON()),
        discriminatorLosses: [...discriminatorLosses],
        generatorLosses: [...generatorLosses],
        vanishingSteps,
        lastDiscriminatorLoss: finiteOrNull(lastDiscriminatorLoss),
        lastDriftCheckStep,
        lowestMmd: finiteOrNull(lowestMmd),
        random: random.state,
        // Absolute: a resumed run's own folder is not the one these paths are relative to.
        checkpoints: checkpoints.map((checkpoint) => ({ ...checkpoint, path: path.resolve(trainer.runDir, checkpoint.path) })),
        rollbacks,
        extraDiscriminatorUpdates,
        rollbacksExhausted,
      }),
      load: (state) => {
        monitors.clear();
        for (const entry of state.monitors) monitors.set(entry.signal, SignalMonitor.fromJSON(entry));
        discriminatorLosses.splice(0, discriminatorLosses.length, ...state.discriminatorLosses);
        generatorLosses.splice(0, generatorLosses.length, ...state.generatorLosses);
        vanishingSteps = state.vanishingSteps;
        lastDiscriminatorLoss = state.lastDiscriminatorLoss ?? NaN;
        lastDriftCheckStep = state.lastDriftCheckStep;
        lowestMmd = state.lowestMmd ?? Infinity;
        random.state = state.random;
        // The parent's checkpoints stay usable for rollbacks in the resumed run.
        checkpoints.splice(0, checkpoints.length, ...state.checkpoints);
        rollbacks = state.rollbacks;
        extraDiscriminatorUpdates = state.extraDiscriminatorUpdates;
        rollbacksExhausted = state.rollbacksExhausted;
      },
    };

    if (options.action === 'rollback' && options.warmupSteps > 0) {
      // The end of the warm-up is the last moment the detector vouches for: keep it, so a
      // collapse that sets in before the first periodic checkpoint can still be rolled
      // back (blobs runs were stopped at step ~700 for want of one: BENCHMARKS.md).
      // Last of afterStep (stage 100, as the checkpoint plugin) so it holds the whole step.
      trainer.hooks.afterStep.tapPromise({ name: COLLAPSE_DETECTION, stage: 100 }, async ({ step }) => {
        if (step === options.warmupSteps && !checkpoints.some((checkpoint) => checkpoint.step === step)) await trainer.saveCheckpoint();
      });
    }

    trainer.hooks.afterStep.tapPromise(COLLAPSE_DETECTION, async ({ step }) => {
      checkSamples(step);
      const detected = pendingRollback;
      pendingRollback = undefined;
      if (detected) await rollBack(detected);
    });
    if (options.action === 'rollback' && options.rollback.extraDiscriminatorUpdates > 0) {
      // After the schedule plugins (stage 0) have had their say.
      trainer.hooks.beforeStep.tap({ name: COLLAPSE_DETECTION, stage: 100 }, (plan) => (extraDiscriminatorUpdates > 0 ? { d: Math.min(100, plan.d + extraDiscriminatorUpdates), g: plan.g } : plan));
    }

    if (options.action !== 'warn') {
      trainer.hooks.shouldStop.tap(COLLAPSE_DETECTION, () => {
        if (options.action === 'rollback' && !rollbacksExhausted) return undefined;
        const detected = [...monitors.values()].find((candidate) => candidate.state === 'detected');
        return detected ? `collapse detected: ${detected.signal}` : undefined;
      });
    }
  }
}

function publishTransition(trainer: PluginHost, transition: SignalTransition, monitor: SignalMonitor, value: number): void {
  trainer.publish(`collapse.${transition}`, { signal: monitor.signal, value: Number.isFinite(value) ? value : null, threshold: monitor.threshold });
}

export const collapseDetection: PluginFactory = (options) => new CollapseDetectionPlugin(options);
