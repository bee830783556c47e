import * as path from 'node:path';
import { Subject, type Observable } from 'rxjs';
import { trainConfigSchema, type TrainConfig } from '../config/train-config';
import { createDataset } from '../data/datasets';
import type { Dataset } from '../data/dataset';
import { describeError, GanpipeError } from '../errors';
import { describeIssue } from '../config/load-train-config';
import { EVENT_SCHEMA_VERSION, runEventSchema, type EventOfType, type EventPayload, type RunEvent, type RunEventType } from '../events/run-event';
import { typesWhere } from '../events/event-types';
import { evolve, initialRunState, type RunState } from '../state/run-state';
import { pluginEventStream } from '../trainer/guarded-event-stream';
import { OrderedDelivery } from '../trainer/ordered-delivery';
import { applyPlugins, type PluginHost, type TrainerPlugin } from '../trainer/plugin';
import { guardHookCatalog } from '../trainer/tap-failure-guard';
import { createTrainerHooks } from '../trainer/trainer-hooks';

/**
 * Decision events that observing plugins make from the stream: replay drops the
 * recorded ones from what it streams, so replayed plugins make theirs afresh, as live.
 */
export const REPLAYED_DECISION_TYPES = typesWhere('remadeInReplay');

/**
 * Plays a recorded log to plugins through the same PluginHost interface the live
 * trainer offers: `events$` carries the recorded events (and whatever the replayed
 * plugins publish, in order), `runStart` and `runEnd` fire around it. Hooks that change
 * training (beforeStep, gradients, afterStep, shouldStop) never fire: there is no
 * training; decisions made through them are read from the record. Nothing is written
 * to the recorded log: what plugins publish is collected in `published`.
 */
export class ReplayHost implements PluginHost {
  readonly hooks = createTrainerHooks();
  readonly events$: Observable<RunEvent>;
  readonly runId: string;
  readonly runDir: string;
  readonly config: TrainConfig;
  private loadedDataset?: Dataset;
  /** Events the replayed plugins published, stamped with the step they were made at. */
  readonly published: RunEvent[] = [];

  private readonly subject = new Subject<RunEvent>();
  private readonly delivery = new OrderedDelivery(this.subject);
  private currentStep = 0;
  private runState: RunState = initialRunState;
  private applyingPlugin?: string;

  constructor(
    private readonly recorded: readonly RunEvent[],
    runDir: string,
  ) {
    const started = recorded.find((event) => event.type === 'run.started');
    if (!started || started.type !== 'run.started') throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${runDir}: the log has no run.started event to replay from`);
    this.runId = started.runId;
    this.runDir = path.resolve(runDir);
    const config = trainConfigSchema.safeParse({ ...started.config, plugins: [] });
    if (!config.success) {
      const issue = config.error.issues[0];
      throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${runDir}: run.started.config.${issue.path.join('.')}: ${describeIssue(issue)}`);
    }
    this.config = config.data;
    guardHookCatalog(this.hooks, (plugin, source, error) => this.recordFailure(plugin, source, error));
    this.events$ = pluginEventStream(this.subject, () => this.applyingPlugin, (plugin, error) => this.recordFailure(plugin, 'events$', error));
  }

  /**
   * The recorded run's dataset, loaded only when a replayed plugin asks for it: a CSV
   * path in a log may name any file, and replay need not read one to stream events.
   */
  get dataset(): Dataset {
    this.loadedDataset ??= createDataset(this.config);
    return this.loadedDataset;
  }

  get step(): number {
    return this.currentStep;
  }

  get state(): RunState {
    return this.runState;
  }

  async replay(plugins: readonly TrainerPlugin[]): Promise<RunEvent[]> {
    applyPlugins(this, plugins, (plugin) => (this.applyingPlugin = plugin));
    const loadDataset = () => this.dataset;
    await this.hooks.runStart.promise({
      runId: this.runId,
      runDir: this.runDir,
      config: this.config,
      backend: 'replay',
      get dataset() {
        return loadDataset();
      },
    });
    for (const event of this.recorded) {
      if (REPLAYED_DECISION_TYPES.has(event.type)) continue;
      this.currentStep = event.step;
      this.runState = evolve(this.runState, event);
      this.delivery.deliver(event);
    }
    const finish = this.runState.finish?.reason;
    await this.hooks.runEnd.promise({ runId: this.runId, reason: (finish ?? 'completed') as 'completed', state: this.runState });
    this.subject.complete();
    return this.published;
  }

  publish<T extends RunEventType>(type: T, payload: EventPayload<T>): EventOfType<T> {
    const event = { v: EVENT_SCHEMA_VERSION, runId: this.runId, seq: this.published.length, step: this.currentStep, time: Date.now(), type, ...payload } as unknown as EventOfType<T>;
    const checked = runEventSchema.safeParse(event);
    if (!checked.success) throw new Error(`cannot publish ${type}: field "${checked.error.issues[0].path.join('.')}": ${checked.error.issues[0].message}`);
    this.published.push(event);
    this.delivery.deliver(event);
    return event;
  }

  stop(): void {
    // Nothing to stop: the record already says how the run ended.
  }

  private recordFailure(plugin: string, source: string, error: unknown): void {
    this.publish('plugin.failed', { plugin, source, error: describeError(error) });
  }

  private noModel(what: string): never {
    throw new Error(`${what} needs the model, and replay has none: decisions made through hooks are shown from the record`);
  }

  weights(): never {
    return this.noModel('weights()');
  }
  learningRate(): never {
    return this.noModel('learningRate()');
  }
  setLearningRate(): never {
    return this.noModel('setLearningRate()');
  }
  sampleGenerator(): never {
    return this.noModel('sampleGenerator()');
  }
  saveCheckpoint(): never {
    return this.noModel('saveCheckpoint()');
  }
  restoreCheckpoint(): never {
    return this.noModel('restoreCheckpoint()');
  }
}
