import type { RunEventType } from './run-event';

/** What each event type is, for everything that treats types differently. */
export interface EventTypeTraits {
  /** A decision by a plugin or the trainer: counted in RunState.decisions and in `inspect`'s summary. */
  decision: boolean;
  /**
   * Made by a plugin from the event stream alone: `replay` drops the recorded ones and
   * lets the replayed plugins make them afresh. Decisions made through hooks
   * (`fromHooks`) cannot be remade without a model and are shown from the record.
   */
  remadeInReplay: boolean;
  /** A decision made through the training hooks (it changed the training): shown from the record in `replay`. */
  fromHooks: boolean;
  /** Written to InfluxDB's `decisions` measurement, as an annotation on the dashboards. */
  annotation: boolean;
  /** Compared by `ganpipe diff`: false for what differs between identical runs (timings, paths, sinks) or ends a log. */
  compared: boolean;
  /** Ends a run's log; nothing is appended after one. */
  terminal: boolean;
}

const plain: EventTypeTraits = { decision: false, remadeInReplay: false, fromHooks: false, annotation: false, compared: true, terminal: false };
const fromStream: EventTypeTraits = { ...plain, decision: true, remadeInReplay: true, annotation: true };
const fromHooks: EventTypeTraits = { ...plain, decision: true, fromHooks: true };
const terminal: EventTypeTraits = { ...plain, compared: false, terminal: true };

/**
 * The one table of event-type metadata (typed by the schema's own list of types, so a
 * new type cannot be left out). Every consumer reads it: run-state, the InfluxDB sink,
 * replay, diff, inspect.
 */
export const eventTypeTraits: Record<RunEventType, EventTypeTraits> = {
  'run.started': plain,
  'discriminator.stepped': plain,
  'generator.stepped': plain,
  'step.completed': { ...plain, compared: false },
  'eval.completed': plain,
  'checkpoint.saved': { ...plain, decision: true, compared: false },
  'checkpoint.restored': { ...fromHooks, annotation: true },
  'collapse.suspected': fromStream,
  'collapse.detected': fromStream,
  'collapse.recovered': fromStream,
  'collapse.rolledBack': { ...fromHooks, annotation: true },
  'gradients.clipped': fromHooks,
  'schedule.changed': { ...fromHooks, annotation: true },
  'plugin.failed': { ...plain, decision: true, annotation: true },
  'sink.reported': { ...plain, compared: false },
  'plugin.custom': { ...plain, decision: true },
  'run.finished': terminal,
  'run.failed': terminal,
};

/** The event types with a trait, e.g. `typesWhere('annotation')`. */
export function typesWhere(trait: keyof EventTypeTraits): Set<RunEventType> {
  return new Set((Object.keys(eventTypeTraits) as RunEventType[]).filter((type) => eventTypeTraits[type][trait]));
}
