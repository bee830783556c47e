import { Subject, type Observable } from 'rxjs';
import { describeError } from '../errors';
import { EVENT_SCHEMA_VERSION, runEventSchema, type EventOfType, type EventPayload, type RunEvent, type RunEventType } from '../events/run-event';
import { evolve, initialRunState, type RunState } from '../state/run-state';
import { pluginEventStream } from '../trainer/guarded-event-stream';
import { OrderedDelivery } from '../trainer/ordered-delivery';
import { applyPlugins, type PluginHost, type TrainerPlugin } from '../trainer/plugin';
import { guardHookCatalog } from '../trainer/tap-failure-guard';
import { createTrainerHooks, type TrainerHooks } from '../trainer/trainer-hooks';
import { terminalSafe } from '../util/terminal-safe';

/** Where events go before the fold and the stream: the run's log, live. */
export interface EventSink {
  append(event: RunEvent): void;
}

export interface RunBusOptions {
  runId: string;
  /** With failFast, the first plugin failure ends the run (the caller checks throwIfPluginFailedFatally). */
  failFast: boolean;
  /** Seq of the first event the bus stamps itself. */
  firstSeq?: number;
  /**
   * Replay's answer to a publish: the recorded event equal to the candidate, if the log
   * holds it still to come. A matched publish adds nothing to the stream.
   */
  recordedTwin?: (candidate: RunEvent) => RunEvent | undefined;
  /** Told of every event a plugin publishes (its recorded twin, in replay). */
  onPublished?: (event: RunEvent) => void;
}

/**
 * One run's bus, the same live and in replay: the hook catalog with its failure guards,
 * `events$` with ordered delivery, stamping and validating what is published, the
 * `evolve` fold, applying plugins, and the failure policy. Live, the Trainer composes it
 * with the log as its sink and keeps the loop and the model; replay feeds it the
 * recorded events, with no sink and a `recordedTwin` that matches what plugins publish
 * against the record.
 */
export class RunBus {
  readonly hooks: TrainerHooks = createTrainerHooks();
  readonly events$: Observable<RunEvent>;
  /** The step stamped on published events: the step in progress (live) or being delivered (replay). */
  step = 0;

  private readonly subject = new Subject<RunEvent>();
  private readonly delivery = new OrderedDelivery(this.subject);
  private runState: RunState = initialRunState;
  private nextSeq: number;
  private sink?: EventSink;
  private accepting = false;
  private applyingPlugin?: string;
  private fatalPluginError?: unknown;

  constructor(private readonly options: RunBusOptions) {
    this.nextSeq = options.firstSeq ?? 0;
    guardHookCatalog(this.hooks, (plugin, source, error) => this.pluginFailed(plugin, source, error));
    // A subscriber's error is blamed on the plugin whose apply() subscribed it.
    this.events$ = pluginEventStream(this.subject, () => this.applyingPlugin, (plugin, error) => this.pluginFailed(plugin, 'events$', error));
  }

  /** The run folded from its events so far; the same projection `inspect` computes. */
  get state(): RunState {
    return this.runState;
  }

  /** Applies the plugins to the host that offers this bus (the Trainer, or replay's host). */
  applyPlugins(host: PluginHost, plugins: readonly TrainerPlugin[]): void {
    applyPlugins(host, plugins, (plugin) => (this.applyingPlugin = plugin));
  }

  /** From now on events are accepted, and written to `sink` first when there is one. */
  open(sink?: EventSink): void {
    this.sink = sink;
    this.accepting = true;
  }

  /** A plugin's event: validated, then stamped and emitted (or, in replay, answered by its recorded twin). */
  publish<T extends RunEventType>(type: T, payload: EventPayload<T>): EventOfType<T> {
    this.requireAccepting(type);
    const candidate = { v: EVENT_SCHEMA_VERSION, runId: this.options.runId, seq: this.nextSeq, step: this.step, time: Date.now(), type, ...payload } as unknown as EventOfType<T>;
    const checked = runEventSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new Error(`cannot publish ${type}: field "${issue.path.join('.')}": ${issue.message}`);
    }
    const twin = this.options.recordedTwin?.(candidate);
    if (twin) {
      this.options.onPublished?.(twin);
      return twin as EventOfType<T>;
    }
    this.nextSeq++;
    this.options.onPublished?.(candidate);
    this.emit(candidate);
    return candidate;
  }

  /** The host's own events: typed by construction, so not re-validated. */
  record<T extends RunEventType>(type: T, payload: EventPayload<T>): void {
    this.requireAccepting(type);
    this.emit({ v: EVENT_SCHEMA_VERSION, runId: this.options.runId, seq: this.nextSeq++, step: this.step, time: Date.now(), type, ...payload } as unknown as EventOfType<T>);
  }

  /** Sink first, then the fold, then the stream (in seq order, see OrderedDelivery). Replay emits recorded events here. */
  emit(event: RunEvent): void {
    this.sink?.append(event);
    this.runState = evolve(this.runState, event);
    this.delivery.deliver(event);
  }

  /** A tap or subscriber threw: record it, and end the run if configured to fail fast. */
  pluginFailed(plugin: string, source: string, error: unknown): void {
    if (!this.isAccepting()) {
      process.stderr.write(`ganpipe: plugin ${terminalSafe(plugin)} failed in ${source} after the run ended: ${terminalSafe(describeError(error).message)}\n`);
      return;
    }
    this.publish('plugin.failed', { plugin, source, error: describeError(error) });
    if (this.options.failFast) {
      this.fatalPluginError ??= new Error(`plugin ${plugin} failed in ${source} (failFast is on): ${describeError(error).message}`);
      if (source !== 'events$') throw this.fatalPluginError;
    }
  }

  throwIfPluginFailedFatally(): void {
    if (this.fatalPluginError) throw this.fatalPluginError;
  }

  /** Ends the stream: subscribers' `complete` runs. */
  complete(): void {
    this.subject.complete();
  }

  private isAccepting(): boolean {
    return this.accepting && this.runState.status !== 'finished' && this.runState.status !== 'failed';
  }

  private requireAccepting(type: RunEventType): void {
    if (!this.isAccepting()) throw new Error(`cannot publish ${type}: the run ${this.accepting ? 'has ended' : 'has not started'}`);
  }
}
