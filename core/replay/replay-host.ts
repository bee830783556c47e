import * as path from 'node:path';
import { describeIssue } from '../config/load-train-config';
import { trainConfigSchema, type TrainConfig } from '../config/train-config';
import type { Dataset } from '../data/dataset';
import { createDataset } from '../data/datasets';
import { GanpipeError } from '../errors';
import { typesWhere } from '../events/event-types';
import { eventContentKey, type RunEvent } from '../events/run-event';
import { BusHost } from '../run/bus-host';
import { RunBus } from '../run/run-bus';
import type { PluginHost, TrainerPlugin } from '../trainer/plugin';

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
export class ReplayHost extends BusHost implements PluginHost {
  readonly isReplay = true;

  private loadedDataset?: Dataset;
  private readonly twins: RecordedTwins;

  constructor(
    private readonly recorded: readonly RunEvent[],
    runDir: string,
  ) {
    const { runId, config } = recordedRun(recorded, runDir);
    const twins = new RecordedTwins(recorded);
    super(
      new RunBus({
        runId,
        failFast: config.failFast,
        // What the record lacks (a what-if) is numbered after its last seq: never taken for a recorded event.
        firstSeq: (recorded.at(-1)?.seq ?? 0) + 1,
        recordedTwin: (candidate) => twins.twinOf(candidate),
        onPublished: (event) => twins.published.push(event),
      }),
      { runId, runDir: path.resolve(runDir), config },
    );
    this.twins = twins;
  }

  /** Events the replayed plugins published: recorded twins (matched) and new ones. */
  get published(): readonly RunEvent[] {
    return this.twins.published;
  }

  /**
   * The recorded run's dataset, loaded only when a replayed plugin asks for it: a CSV
   * path in a log may name any file, and replay need not read one to stream events.
   */
  get dataset(): Dataset {
    this.loadedDataset ??= createDataset(this.config);
    return this.loadedDataset;
  }

  async replay(plugins: readonly TrainerPlugin[]): Promise<readonly RunEvent[]> {
    this.bus.applyPlugins(this, plugins);
    this.bus.open();
    const loadDataset = () => this.dataset;
    const terminalTypes = typesWhere('terminal');
    // As live: run.started (and a resumed run's checkpoint.restored) before runStart;
    // runEnd before the terminal event; every recorded event in between, in seq order.
    let index = 0;
    const deliverNext = () => {
      const event = this.recorded[index++];
      this.twins.nextUndelivered = index;
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

/** The recorded run's id and config (plugins left out: replay applies its own), or one error line. */
function recordedRun(recorded: readonly RunEvent[], runDir: string): { runId: string; config: TrainConfig } {
  const started = recorded.find((event) => event.type === 'run.started');
  if (!started || started.type !== 'run.started') throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${runDir}: the log has no run.started event to replay from`);
  const config = trainConfigSchema.safeParse({ ...started.config, plugins: [] });
  if (!config.success) {
    const issue = config.error.issues[0];
    throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${runDir}: run.started.config.${issue.path.join('.')}: ${describeIssue(issue)}`);
  }
  return { runId: started.runId, config: config.data };
}

/**
 * What a replayed plugin publishes, compared with the record: if the log holds the same
 * event (type, step and payload) still to come, that recorded event is the answer,
 * delivered at its own seq as live, and nothing is added to the stream. An event the
 * record lacks (a what-if) is delivered as a new one (RunBus).
 */
class RecordedTwins {
  readonly published: RunEvent[] = [];
  /** Index in the record of the first event not yet delivered. */
  nextUndelivered = 0;
  private readonly matched = new Set<RunEvent>();

  constructor(private readonly recorded: readonly RunEvent[]) {}

  /** The first recorded event still to be delivered, at this step, equal to `event` but for its envelope. */
  twinOf(event: RunEvent): RunEvent | undefined {
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
}
