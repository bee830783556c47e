import * as crypto from 'node:crypto';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainConfig } from '../config/train-config';
import { createDataset } from '../data/datasets';
import type { Dataset } from '../data/dataset';
import { describeError } from '../errors';
import { EventLogWriter } from '../events/event-log-writer';
import { BusHost } from '../run/bus-host';
import { RunBus } from '../run/run-bus';
import { readCheckpoint, readCheckpointMeta, writeCheckpoint } from '../checkpoint/checkpoint-files';
import { toMeasured as measured, type EventOfType } from '../events/run-event';
import { SampleEvaluator } from '../metrics/sample-evaluator';
import { checkKernels } from '../model/check-kernels';
import { modelKernels, resolveModelName } from '../model/build-networks';
import { DISCRIMINATOR_SCALARS, GanModel, GENERATOR_SCALARS, type NamedGradients, type NetworkName } from '../model/gan-model';
import type { RunState } from '../state/run-state';
import { packageVersions } from '../util/package-versions';
import { redactSecrets } from '../config/redact-secrets';
import { SeededRandom } from '../util/seeded-random';
import type { PluginHost, PluginStateContext, TrainerPlugin } from './plugin';
import type { EvaluationMetrics, GradientContext, StepOutcome, StepPlan } from './trainer-hooks';

export interface TrainerOptions {
  config: TrainConfig;
  /** The active tfjs backend (see selectBackend). */
  backend: string;
  plugins?: readonly TrainerPlugin[];
  /** Defaults to a fresh, sortable id: <date>-<time>-<dataset>-s<seed>-<random>. */
  runId?: string;
  /** Set when this run continues another (resume). */
  parentRunId?: string;
  /** Start from this checkpoint (weights, optimizer state, random streams) and carry on from its step. */
  resumeFrom?: { checkpointPath: string; expectedHash: string };
}

const MAX_UPDATES_PER_STEP = 100;
/** How long the loop may run before it lets the event loop turn. */
const EVENT_LOOP_TURN_MS = 10;

/**
 * The GAN training loop. Each step: the plan (beforeStep) → D updates → G updates,
 * every update computing gradients, passing them through its gradients hook and
 * applying them → one asynchronous read-back of the step's scalars → events →
 * afterStep → evaluation when due → shouldStop. Everything it does is an event,
 * appended to the run's log and then published on `events$`, in seq order.
 */
export class Trainer extends BusHost implements PluginHost {
  readonly isReplay = false;
  readonly dataset: Dataset;
  readonly backend: string;

  private log?: EventLogWriter;
  private model?: GanModel;
  private stopRequest?: { reason: 'stopped' | 'interrupted'; detail?: string };
  /** The applied plugins, in order: whose state checkpoints keep. */
  private readonly plugins: readonly TrainerPlugin[];
  private readonly parentRunId?: string;
  private readonly resumeFrom?: TrainerOptions['resumeFrom'];
  /** Time spent in plugin hooks during the current step. */
  private hookMs = 0;
  private readonly trainingRandom: SeededRandom;
  /** Evaluation draws from its own stream, so evaluating more or less often never
   * changes the training trajectory. */
  private readonly evaluationRandom: SeededRandom;
  private readonly sampleEvaluator: SampleEvaluator;

  constructor(options: TrainerOptions) {
    // The bus (hooks, stream, fold, stamping, failure policy) is the part replay shares.
    const runId = options.runId ?? newRunId(options.config);
    super(new RunBus({ runId, failFast: options.config.failFast }), { runId, runDir: path.resolve(options.config.out, runId), config: options.config });
    this.backend = options.backend;
    this.parentRunId = options.parentRunId;
    this.resumeFrom = options.resumeFrom;
    this.dataset = createDataset(this.config);
    // Before anything is written: a model the backend cannot train fails here, not mid-run.
    const model = resolveModelName(this.config, this.dataset);
    checkKernels(model, modelKernels[model], this.backend);
    this.sampleEvaluator = new SampleEvaluator(this.dataset, { samples: this.config.evaluation.samples, discriminativeScore: this.config.evaluation.discriminativeScore, seed: this.config.seed });
    this.trainingRandom = new SeededRandom(this.config.seed);
    this.evaluationRandom = new SeededRandom(this.config.seed ^ 0x5bd1e995);

    this.plugins = options.plugins ?? [];
    this.bus.applyPlugins(this, this.plugins);
  }

  /** Asks the loop to end after the current step (SIGINT/SIGTERM, or a plugin). */
  stop(reason: 'stopped' | 'interrupted', detail?: string): void {
    this.stopRequest ??= { reason, detail };
  }

  /** The networks' weights by stable name, for plugins that need them (e.g. adaptive clipping). */
  weights(net: NetworkName): ReadonlyMap<string, tf.Variable> {
    return this.requireModel().weights(net);
  }

  /**
   * `count` fresh generated samples, row-major, read back synchronously (for plugins
   * that check the generator between evaluations; keep `count` small). `seed` makes
   * it reproducible without touching the training random stream.
   */
  sampleGenerator(count: number, seed: number): Float32Array {
    const model = this.requireModel();
    const samples = tf.tidy(() => model.generateTensor(model.noise(count, seed)));
    try {
      return samples.dataSync() as Float32Array;
    } finally {
      samples.dispose();
    }
  }

  /** The network's learning rate before the configured decay (learningRateDecay). */
  learningRate(net: NetworkName): number {
    return this.requireModel().network(net).learningRate;
  }

  /** Sets the rate before decay: the decay still applies on top of it. */
  setLearningRate(net: NetworkName, learningRate: number): void {
    this.requireModel().setLearningRate(net, learningRate);
  }

  /**
   * Saves G, D and both optimizers' state (and the random streams) under
   * `<runDir>/checkpoints/step-<N>` and records `checkpoint.saved` with its content hash.
   */
  async saveCheckpoint(): Promise<EventOfType<'checkpoint.saved'>> {
    const model = this.requireModel();
    const relativePath = path.join('checkpoints', `step-${String(this.step).padStart(8, '0')}`);
    const snapshot = await model.snapshot();
    try {
      const { hash } = await writeCheckpoint(path.join(this.runDir, relativePath), snapshot.tensors, {
        runId: this.runId,
        step: this.step,
        learningRates: { discriminator: this.learningRate('discriminator'), generator: this.learningRate('generator') },
        randomStates: { training: this.trainingRandom.state, evaluation: this.evaluationRandom.state },
        pluginStates: this.pluginStates(),
      });
      return this.publish('checkpoint.saved', { path: relativePath, hash });
    } finally {
      snapshot.release();
    }
  }

  /**
   * Restores a checkpoint's weights, optimizer state and learning rates (and, with
   * `restoreRandom`, its random streams, for exact resumption) and records
   * `checkpoint.restored`. The step counter does not rewind: steps count work done.
   * `checkpointPath` is relative to the run directory or absolute.
   */
  async restoreCheckpoint(checkpointPath: string, options: { expectedHash?: string; restoreRandom?: boolean } = {}): Promise<EventOfType<'checkpoint.restored'>> {
    const model = this.requireModel();
    const loaded = readCheckpoint(path.resolve(this.runDir, checkpointPath), options.expectedHash);
    try {
      await model.restore(loaded.tensors);
    } finally {
      Object.values(loaded.tensors).forEach((tensor) => tensor.dispose());
    }
    model.setLearningRate('discriminator', loaded.meta.learningRates.discriminator);
    model.setLearningRate('generator', loaded.meta.learningRates.generator);
    if (options.restoreRandom) {
      this.trainingRandom.state = loaded.meta.randomStates.training;
      this.evaluationRandom.state = loaded.meta.randomStates.evaluation;
    }
    const restored = this.publish('checkpoint.restored', { path: checkpointPath, hash: loaded.hash, checkpointStep: loaded.meta.step });
    this.loadPluginStates(loaded.meta.pluginStates ?? {}, { reason: options.restoreRandom ? 'resume' : 'restore', checkpointStep: loaded.meta.step });
    return restored;
  }

  /** Every stateful plugin's saveState(), for a checkpoint; a plugin that fails here fails as in any hook. */
  private pluginStates(): Record<string, unknown> {
    const states: Record<string, unknown> = {};
    for (const plugin of this.plugins) {
      if (!plugin.saveState) continue;
      try {
        // Through JSON now, so what a resume gets back is what the checkpoint holds.
        states[plugin.name] = JSON.parse(JSON.stringify(plugin.saveState() ?? null));
      } catch (error) {
        this.bus.pluginFailed(plugin.name, 'saveState', error);
      }
    }
    return states;
  }

  private loadPluginStates(states: Record<string, unknown>, context: PluginStateContext): void {
    for (const plugin of this.plugins) {
      if (!plugin.loadState || !(plugin.name in states)) continue;
      try {
        plugin.loadState(states[plugin.name], context);
      } catch (error) {
        this.bus.pluginFailed(plugin.name, 'loadState', error);
      }
    }
  }

  /**
   * Publishes a plugin's own event: validated, stamped with the envelope (seq, step,
   * time), appended to the log and delivered on events$ like the trainer's own.
   */
  async run(): Promise<RunState> {
    const startedAt = performance.now();
    const wallTimeMs = () => Math.round(performance.now() - startedAt);
    this.log = EventLogWriter.create(this.runDir, this.config.eventLog.flushIntervalMs);
    this.bus.open(this.log);
    const random = this.trainingRandom;
    const evaluationRandom = this.evaluationRandom;
    let failure: unknown;
    let runEnded = false;
    try {
      this.model = new GanModel(this.config, this.dataset, random);
      this.bus.record('run.started', {
        config: redactSecrets(this.config) as Record<string, unknown>,
        seed: this.config.seed,
        backend: this.backend,
        versions: packageVersions(),
        ...(this.parentRunId ? { parentRunId: this.parentRunId } : {}),
      });
      let firstStep = 1;
      if (this.resumeFrom) {
        const checkpointStep = readCheckpointMeta(this.resumeFrom.checkpointPath).step;
        this.bus.step = checkpointStep;
        await this.restoreCheckpoint(this.resumeFrom.checkpointPath, { expectedHash: this.resumeFrom.expectedHash, restoreRandom: true });
        firstStep = checkpointStep + 1;
      }
      await this.hooks.runStart.promise({ runId: this.runId, runDir: this.runDir, config: this.config, backend: this.backend, dataset: this.dataset });
      let lastEvaluatedStep = firstStep - 1;
      let lastYieldAt = performance.now();
      for (let step = firstStep; step <= this.config.steps; step++) {
        // On CPU backends every await in a step resolves as a microtask, so without
        // this the event loop would never turn: no signal handler, timer or sink I/O.
        if (performance.now() - lastYieldAt >= EVENT_LOOP_TURN_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYieldAt = performance.now();
        }
        this.bus.throwIfPluginFailedFatally();
        if (this.stopRequest) break;
        this.bus.step = step;
        const stepStartedAt = performance.now();
        this.hookMs = 0;
        const outcome = await this.trainStep(step, random);
        // Evaluation first, so afterStep sees the whole step: a checkpoint saved there
        // holds the state after this step's evaluation, which a resumed run does not redo.
        if (step % this.config.evaluation.every === 0 || step === this.config.steps) {
          await this.evaluate(evaluationRandom);
          lastEvaluatedStep = step;
        }
        await this.timeHooks(() => this.hooks.afterStep.promise(outcome));
        const stopReason = await this.timeHooks(async () => this.hooks.shouldStop.call(outcome));
        if (stopReason) this.stop('stopped', stopReason);
        this.bus.record('step.completed', { plan: outcome.plan, durationMs: round3(performance.now() - stepStartedAt), hookMs: round3(this.hookMs) });
      }
      this.bus.throwIfPluginFailedFatally();
      if (lastEvaluatedStep !== this.step && this.step > 0) await this.evaluate(evaluationRandom);
      const reason = this.stopRequest?.reason ?? 'completed';
      runEnded = true;
      await this.hooks.runEnd.promise({ runId: this.runId, reason, state: this.bus.state });
      this.bus.throwIfPluginFailedFatally();
      this.bus.record('run.finished', { reason, ...(this.stopRequest?.detail ? { detail: this.stopRequest.detail } : {}), wallTimeMs: wallTimeMs() });
    } catch (error) {
      failure = error;
      if (this.bus.state.status !== 'finished' && this.bus.state.status !== 'failed') {
        // Plugins hear of the failure (failed), sinks flush (runEnd, reason failed), then
        // run.failed ends the log. Each step is attempted whatever the one before did:
        // a full disk can refuse the events, a failFast plugin can throw again.
        const described = describeError(error);
        const attempt = async (call: () => unknown) => {
          try {
            await call();
          } catch {
            // Already failing: the error thrown below is the one to report.
          }
        };
        await attempt(() => this.hooks.failed.promise({ runId: this.runId, error: { message: described.message, ...(described.code ? { code: described.code } : {}) }, state: this.bus.state }));
        if (!runEnded) await attempt(() => this.hooks.runEnd.promise({ runId: this.runId, reason: 'failed', state: this.bus.state }));
        await attempt(() => this.bus.record('run.failed', { error: described, wallTimeMs: wallTimeMs() }));
      }
    }
    // A log whose last lines cannot be written fails the run even if training finished:
    // "completed" over a log without its end would be a silent loss.
    try {
      this.log.close();
    } catch (error) {
      failure ??= error;
    }
    this.model?.dispose();
    this.model = undefined;
    this.bus.complete();
    if (failure !== undefined) throw failure;
    return this.bus.state;
  }

  private async trainStep(step: number, random: SeededRandom): Promise<StepOutcome> {
    const model = this.requireModel();
    const planStartedAt = performance.now();
    const plan = this.checkedPlan(this.hooks.beforeStep.call({ d: 1, g: 1 }, { step, state: this.bus.state }));
    this.hookMs += performance.now() - planStartedAt;
    model.decayLearningRates(step);
    const packed: tf.Tensor1D[] = [];
    try {
      for (let update = 0; update < plan.d; update++) {
        const realBatch = this.dataset.sample(this.config.batchSize, random);
        packed.push(model.discriminatorUpdate(realBatch, random.nextSeed(), this.gradientTransform('discriminator', step, update)));
      }
      for (let update = 0; update < plan.g; update++) {
        packed.push(model.generatorUpdate(this.config.batchSize, random.nextSeed(), this.gradientTransform('generator', step, update)));
      }
      // One asynchronous read-back per step: a synchronous read per scalar would stall
      // a GPU pipeline, and the events need the numbers.
      const scalars = tf.concat(packed);
      let values: Float32Array;
      try {
        values = (await scalars.data()) as Float32Array;
      } finally {
        scalars.dispose();
      }
      return this.recordStep(step, plan, values);
    } finally {
      for (const tensor of packed) tensor.dispose();
    }
  }

  private recordStep(step: number, plan: StepPlan, values: Float32Array): StepOutcome {
    const outcome: StepOutcome = { step, plan, state: this.bus.state, discriminator: [], generator: [] };
    let offset = 0;
    for (let update = 0; update < plan.d; update++, offset += DISCRIMINATOR_SCALARS.length) {
      const [loss, gradNorm, meanRealOutput, meanFakeOutput, accuracy] = values.subarray(offset, offset + DISCRIMINATOR_SCALARS.length);
      outcome.discriminator.push({ loss, gradNorm, meanRealOutput, meanFakeOutput, accuracy });
      this.bus.record('discriminator.stepped', {
        update,
        loss: measured(loss),
        gradNorm: measured(gradNorm),
        learningRate: this.requireModel().appliedLearningRate('discriminator'),
        meanRealOutput: measured(meanRealOutput),
        meanFakeOutput: measured(meanFakeOutput),
        accuracy: measured(accuracy),
      });
    }
    for (let update = 0; update < plan.g; update++, offset += GENERATOR_SCALARS.length) {
      const [loss, gradNorm] = values.subarray(offset, offset + GENERATOR_SCALARS.length);
      outcome.generator.push({ loss, gradNorm });
      this.bus.record('generator.stepped', { update, loss: measured(loss), gradNorm: measured(gradNorm), learningRate: this.requireModel().appliedLearningRate('generator') });
    }
    outcome.state = this.bus.state;
    return outcome;
  }

  private gradientTransform(net: NetworkName, step: number, update: number) {
    const hook = net === 'discriminator' ? this.hooks.discriminatorGradients : this.hooks.generatorGradients;
    if (!hook.isUsed()) return (gradients: NamedGradients) => gradients;
    return (gradients: NamedGradients) => {
      const startedAt = performance.now();
      const context: GradientContext = { step, state: this.bus.state, net, update, weights: this.weights(net) };
      const transformed = hook.call(gradients, context);
      this.hookMs += performance.now() - startedAt;
      return transformed;
    };
  }

  private async evaluate(random: SeededRandom): Promise<void> {
    const model = this.requireModel();
    const sampleCount = this.config.evaluation.samples;
    const samples = await model.generate(sampleCount, random.nextSeed());
    let metrics: EvaluationMetrics = await this.sampleEvaluator.evaluate(samples, sampleCount, this.step);
    metrics = await this.hooks.evaluate.promise(metrics, { step: this.step, state: this.bus.state, dataset: this.dataset, samples, sampleCount });
    const finiteOrNull: Record<string, number | null> = {};
    for (const [name, value] of Object.entries(metrics)) finiteOrNull[name] = value === null ? null : measured(value);
    this.bus.record('eval.completed', { samples: sampleCount, metrics: finiteOrNull });
  }

  private checkedPlan(plan: StepPlan): StepPlan {
    const valid = (count: unknown) => Number.isInteger(count) && (count as number) >= 0 && (count as number) <= MAX_UPDATES_PER_STEP;
    if (!plan || !valid(plan.d) || !valid(plan.g) || plan.d + plan.g === 0) {
      throw new Error(`beforeStep returned an invalid plan ${JSON.stringify(plan)}: d and g must be integers in [0, ${MAX_UPDATES_PER_STEP}], not both 0`);
    }
    return plan;
  }

  /** Runs hook calls, adding their wall time to the step's hookMs. */
  private async timeHooks<T>(call: () => Promise<T>): Promise<T> {
    const startedAt = performance.now();
    try {
      return await call();
    } finally {
      this.hookMs += performance.now() - startedAt;
    }
  }

  private requireModel(): GanModel {
    if (!this.model) throw new Error('the model exists only while run() is in progress');
    return this.model;
  }
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function newRunId(config: TrainConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${config.dataset}-s${config.seed}-${crypto.randomBytes(2).toString('hex')}`;
}
