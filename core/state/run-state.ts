import { typesWhere } from '../events/event-types';
import type { RunEvent } from '../events/run-event';
import type { StepPlan } from '../trainer/trainer-hooks';

/**
 * A run's state as a fold over its events (Emmett's decider pattern): the live
 * trainer keeps `evolve`'s result as events are published, and replay/inspect fold
 * a recorded log with the same function, so both see the same state.
 */
export interface RunState {
  runId?: string;
  status: 'not-started' | 'running' | 'finished' | 'failed';
  step: number;
  /** Steps trained in this run: after a resume or a rollback, not the same as `step`. */
  stepsCompleted: number;
  eventCount: number;
  schedule: StepPlan;
  discriminator?: { loss: number | null; gradNorm: number | null; learningRate: number; meanRealOutput: number | null; meanFakeOutput: number | null; accuracy: number | null };
  generator?: { loss: number | null; gradNorm: number | null; learningRate: number };
  metrics?: { step: number; values: Record<string, number | null> };
  clipping: Partial<Record<'discriminator' | 'generator', { mode: string; normBefore: number | null; normAfter: number | null; step: number }>>;
  collapse: { status: 'healthy' | 'suspected' | 'detected'; signal?: string; since?: number };
  lastCheckpoint?: { step: number; path: string; hash: string };
  /** How many times each kind of plugin decision was recorded. */
  decisions: Record<string, number>;
  finish?: { reason: string; detail?: string; wallTimeMs: number };
  failure?: { message: string; code?: string };
  /** Each metrics sink's last report (sink.reported): what reached it and what did not. */
  sinks: Record<string, { status: string; written: number; dropped: number; refused: number; backlog: number; error?: string }>;
}

export const initialRunState: RunState = Object.freeze({
  status: 'not-started',
  step: 0,
  stepsCompleted: 0,
  eventCount: 0,
  schedule: { d: 1, g: 1 },
  clipping: {},
  collapse: { status: 'healthy' },
  decisions: {},
  sinks: {},
}) as RunState;

const decisionTypes = typesWhere('decision');

export function evolve(state: RunState, event: RunEvent): RunState {
  const next: RunState = { ...state, step: event.step, eventCount: state.eventCount + 1 };
  if (decisionTypes.has(event.type)) next.decisions = { ...state.decisions, [event.type]: (state.decisions[event.type] ?? 0) + 1 };
  switch (event.type) {
    case 'run.started':
      return { ...next, runId: event.runId, status: 'running' };
    case 'discriminator.stepped':
      return { ...next, discriminator: { loss: event.loss, gradNorm: event.gradNorm, learningRate: event.learningRate, meanRealOutput: event.meanRealOutput, meanFakeOutput: event.meanFakeOutput, accuracy: event.accuracy } };
    case 'generator.stepped':
      return { ...next, generator: { loss: event.loss, gradNorm: event.gradNorm, learningRate: event.learningRate } };
    case 'eval.completed':
      return { ...next, metrics: { step: event.step, values: event.metrics } };
    case 'schedule.changed':
      return { ...next, schedule: event.to };
    case 'gradients.clipped':
      return { ...next, clipping: { ...state.clipping, [event.net]: { mode: event.mode, normBefore: event.normBefore, normAfter: event.normAfter, step: event.step } } };
    case 'collapse.suspected':
      return { ...next, collapse: { status: 'suspected', signal: event.signal, since: event.step } };
    case 'collapse.detected':
      return { ...next, collapse: { status: 'detected', signal: event.signal, since: event.step } };
    case 'collapse.recovered':
      return { ...next, collapse: { status: 'healthy' } };
    case 'collapse.rolledBack':
      return { ...next, collapse: { status: 'healthy' } };
    case 'step.completed':
      return { ...next, stepsCompleted: state.stepsCompleted + 1 };
    case 'sink.reported':
      return { ...next, sinks: { ...state.sinks, [event.sink]: { status: event.status, written: event.written, dropped: event.dropped, refused: event.refused, backlog: event.backlog, ...(event.error ?? state.sinks[event.sink]?.error ? { error: event.error ?? state.sinks[event.sink]?.error } : {}) } } };
    case 'checkpoint.saved':
      return { ...next, lastCheckpoint: { step: event.step, path: event.path, hash: event.hash } };
    case 'run.finished':
      return { ...next, status: 'finished', finish: { reason: event.reason, detail: event.detail, wallTimeMs: event.wallTimeMs } };
    case 'run.failed':
      return { ...next, status: 'failed', failure: { message: event.error.message, code: event.error.code }, finish: { reason: 'failed', wallTimeMs: event.wallTimeMs } };
    default:
      return next;
  }
}

export function foldRunState(events: Iterable<RunEvent>, initial: RunState = initialRunState): RunState {
  let state = initial;
  for (const event of events) state = evolve(state, event);
  return state;
}
