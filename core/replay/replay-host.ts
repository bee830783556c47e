import * as path from 'node:path';
import type { Observable } from 'rxjs';
import { describeIssue } from '../config/load-train-config';
import { trainConfigSchema, type TrainConfig } from '../config/train-config';
import type { Dataset } from '../data/dataset';
import { createDataset } from '../data/datasets';
import { GanpipeError } from '../errors';
import { typesWhere } from '../events/event-types';
import { eventContentKey, type EventOfType, type EventPayload, type RunEvent, type RunEventType } from '../events/run-event';
import { RunBus } from '../run/run-bus';
import type { RunState } from '../state/run-state';
import type { PluginHost, TrainerPlugin } from '../trainer/plugin';
import type { TrainerHooks } from '../trainer/trainer-hooks';

/**
 * Plays a recorded log to plugins through the same PluginHost interface the live
 * trainer offers, so a plugin sees what it saw live: `events$` carries every recorded
 * event at its seq; `runStart` fires after run.started and `runEnd` before the terminal
 * event, as live. What a replayed plugin publishes is matched against the record (see
 * publish): the same event is not added twice. Hooks that change training (beforeStep,
 * gradients, afterStep, evaluate, shouldStop) never fire: there is no training;
 * decisions made through them are read from the record. Nothing is written to the
 * recorded log: what plugins publish is collected in `published`.
 */
export class ReplayHost implements PluginHost {
  readonly hooks: TrainerHooks;
  readonly isReplay = true;
  readonly events$: Observable<RunEvent>;
  readonly runId: string;
  readonly runDir: string;
  readonly config: TrainConfig;
  /** Events the replayed plugins published: recorded twins (matched) and new ones. */
  readonly published: RunEvent[] = [];

  private readonly bus: RunBus;
  private loadedDataset?: Dataset;
  /** Index in `recorded` of the first event not yet delivered. */
  private nextUndelivered = 0;
  /** Recorded events a replayed plugin published again (matched, not duplicated). */
  private readonly matched = new Set<RunEvent>();

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
    this.bus = new RunBus({
      runId: this.runId,
      failFast: this.config.failFast,
      // What the record lacks (a what-if) is numbered after its last seq: never taken for a recorded event.
      firstSeq: (recorded.at(-1)?.seq ?? 0) + 1,
      recordedTwin: (candidate) => this.recordedTwin(candidate),
      onPublished: (event) => this.published.push(event),
    });
    this.hooks = this.bus.hooks;
    this.events$ = this.bus.events$;
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
    return this.bus.step;
  }

  get state(): RunState {
    return this.bus.state;
  }

  async replay(plugins: readonly TrainerPlugin[]): Promise<RunEvent[]> {
    this.bus.applyPlugins(this, plugins);
    this.bus.open();
    const loadDataset = () => this.dataset;
    const terminalTypes = typesWhere('terminal');
    // As live: run.started (and a resumed run's checkpoint.restored) before runStart;
    // runEnd before the terminal event; every recorded event in between, in seq order.
    let index = 0;
    const deliverNext = () => {
      const event = this.recorded[index++];
      this.nextUndelivered = index;
      this.bus.step = event.step;
      this.bus.emit(event);
      this.bus.throwIfPluginFailedFatally();
    };
    deliverNext();
    if (this.recorded[index]?.type === 'checkpoint.restored') deliverNext();
    await this.hooks.runStart.promise({
      runId: this.runId,
      runDir: this.runDir,
      config: this.config,
      backend: 'replay',
      get dataset() {
        return loadDataset();
      },
    });
    while (index < this.recorded.length && !terminalTypes.has(this.recorded[index].type)) deliverNext();
    const terminal = this.recorded[index];
    const reason = terminal?.type === 'run.finished' ? terminal.reason : terminal?.type === 'run.failed' ? 'failed' : 'interrupted';
    if (terminal?.type === 'run.failed') await this.hooks.failed.promise({ runId: this.runId, error: terminal.error, state: this.bus.state });
    await this.hooks.runEnd.promise({ runId: this.runId, reason, state: this.bus.state });
    while (index < this.recorded.length) deliverNext();
    this.bus.complete();
    return this.published;
  }

  /**
   * What a replayed plugin publishes is compared with the record: if the log holds the
   * same event (type, step and payload) still to come, that recorded event is the
   * answer, delivered at its own seq as live, and nothing is added to the stream. An
   * event the record lacks (a what-if) is delivered as a new one (RunBus).
   */
  publish<T extends RunEventType>(type: T, payload: EventPayload<T>): EventOfType<T> {
    return this.bus.publish(type, payload);
  }

  /** The first recorded event still to be delivered, at this step, equal to `event` but for its envelope. */
  private recordedTwin(event: RunEvent): RunEvent | undefined {
    const wanted = eventContentKey(event);
    for (let position = this.nextUndelivered; position < this.recorded.length; position++) {
      const recorded = this.recorded[position];
      if (recorded.step > event.step) return undefined;
      if (recorded.type === event.type && !this.matched.has(recorded) && eventContentKey(recorded) === wanted) {
        this.matched.add(recorded);
        return recorded;
      }
    }
    return undefined;
  }

  stop(): void {
    // Nothing to stop: the record already says how the run ended.
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
