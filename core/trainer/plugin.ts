import type * as tf from '@tensorflow/tfjs-core';
import { GanpipeError } from '../errors';
import { terminalSafe } from '../util/terminal-safe';
import type { Observable } from 'rxjs';
import type { TrainConfig } from '../config/train-config';
import type { Dataset } from '../data/dataset';
import type { EventOfType, EventPayload, RunEvent, RunEventType } from '../events/run-event';
import type { NetworkName } from '../model/gan-model';
import type { RunState } from '../state/run-state';
import type { TrainerHooks } from './trainer-hooks';

/**
 * What a plugin sees of the trainer. The live Trainer implements it, and so does
 * replay's host, so an observing plugin runs unchanged on a recorded log. The model
 * methods need a live model: in replay they throw.
 */
export interface PluginHost {
  readonly hooks: TrainerHooks;
  /** True in `ganpipe replay`: events come from a log, training hooks never fire, model methods throw. */
  readonly isReplay: boolean;
  readonly events$: Observable<RunEvent>;
  readonly runId: string;
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly dataset: Dataset;
  /** The step in progress (the step of the event being delivered, in replay). */
  readonly step: number;
  /** The run folded from its events so far. */
  readonly state: RunState;
  publish<T extends RunEventType>(type: T, payload: EventPayload<T>): EventOfType<T>;
  stop(reason: 'stopped' | 'interrupted', detail?: string): void;
  weights(net: NetworkName): ReadonlyMap<string, tf.Variable>;
  /** The rate before the config's learningRateDecay; events record the rate applied. */
  learningRate(net: NetworkName): number;
  /** Sets the rate before decay (the decay still scales it). */
  setLearningRate(net: NetworkName, learningRate: number): void;
  sampleGenerator(count: number, seed: number): Float32Array;
  saveCheckpoint(): Promise<EventOfType<'checkpoint.saved'>>;
  restoreCheckpoint(checkpointPath: string, options?: { expectedHash?: string; restoreRandom?: boolean }): Promise<EventOfType<'checkpoint.restored'>>;
}

/**
 * A plugin, as in webpack: a name and an `apply` that only taps `trainer.hooks` and
 * subscribes to `trainer.events$`. Options are validated when the plugin is created.
 */
export interface TrainerPlugin {
  readonly name: string;
  apply(trainer: PluginHost): void;
  /**
   * The plugin's own state (windows, counters, its random stream), as plain JSON: saved
   * in every checkpoint (Lightning's state_dict), so a resumed run, or a run rolled back
   * to that checkpoint, carries on as the recorded one did. Optional: a plugin without
   * state, or whose decisions need no history, leaves it out.
   */
  saveState?(): unknown;
  /**
   * Puts back what saveState returned at a checkpoint: on `resume` (before runStart) and
   * on every restore of that checkpoint during a run (a rollback). A plugin that starts
   * the restore itself can tell by `reason` and keep what it needs.
   */
  loadState?(state: unknown, context: PluginStateContext): void;
}

export interface PluginStateContext {
  /** 'resume': a new run continues from the checkpoint; 'restore': the running run went back to it. */
  reason: 'resume' | 'restore';
  /** Step the checkpoint was saved at. */
  checkpointStep: number;
}

/** What a built-in or module plugin exports: a factory taking the config's options. */
export type PluginFactory = (options: Record<string, unknown>, context: PluginFactoryContext) => TrainerPlugin;

/** What a factory learns about where its options came from. */
export interface PluginFactoryContext {
  /** The folder of the config file that named the plugin (the working folder for flags). */
  configDir: string;
  /** A path from the plugin's options, resolved as the config's own paths are: against configDir. */
  resolvePath(optionPath: string): string;
}

/**
 * Applies each plugin to the host, with `track` told whose apply() is running (so a
 * stream subscription made there is blamed on that plugin). An apply() that throws,
 * e.g. tapPromise on a synchronous hook, stops everything before the run starts, with
 * one line naming the plugin.
 */
export function applyPlugins(host: PluginHost, plugins: readonly TrainerPlugin[], track: (plugin: string | undefined) => void): void {
  for (const plugin of plugins) {
    track(plugin.name);
    try {
      plugin.apply(host);
    } catch (error) {
      throw new GanpipeError('GANPIPE_PLUGIN_INVALID', `plugin "${terminalSafe(plugin.name)}": apply() threw: ${terminalSafe((error as Error)?.message ?? String(error))}`);
    } finally {
      track(undefined);
    }
  }
}
