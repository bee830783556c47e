import type { Observable } from 'rxjs';
import type { TrainConfig } from '../config/train-config';
import type { EventOfType, EventPayload, RunEvent, RunEventType } from '../events/run-event';
import type { RunState } from '../state/run-state';
import type { TrainerHooks } from '../trainer/trainer-hooks';
import type { RunBus } from './run-bus';

/** Which run a host serves. */
export interface RunIdentity {
  runId: string;
  runDir: string;
  config: TrainConfig;
}

/**
 * What every PluginHost offers through its run bus, the same live (Trainer) and in
 * replay (ReplayHost): the hooks, the stream, the fold, publishing, the step.
 */
export abstract class BusHost {
  readonly hooks: TrainerHooks;
  readonly events$: Observable<RunEvent>;
  readonly runId: string;
  readonly runDir: string;
  readonly config: TrainConfig;

  protected constructor(
    protected readonly bus: RunBus,
    identity: RunIdentity,
  ) {
    this.hooks = bus.hooks;
    this.events$ = bus.events$;
    ({ runId: this.runId, runDir: this.runDir, config: this.config } = identity);
  }

  /** The run folded from its events so far; the same projection `inspect` computes. */
  get state(): RunState {
    return this.bus.state;
  }

  /** The step in progress (live), or of the event being delivered (replay). */
  get step(): number {
    return this.bus.step;
  }

  publish<T extends RunEventType>(type: T, payload: EventPayload<T>): EventOfType<T> {
    return this.bus.publish(type, payload);
  }
}
