import { z } from 'zod';

/**
 * Every event a run records, as one discriminated union (Emmett's typing/event.ts).
 * The zod schemas are the single source of truth: the types are inferred from them,
 * and the log reader validates each line with them. docs/events.md documents each.
 *
 * Bump EVENT_SCHEMA_VERSION when a payload changes shape, and add an upcaster for the
 * older version (core/events/upcast-event.ts), so old logs stay readable.
 */
/** v2: discriminator.stepped.accuracy; step.completed, checkpoint.restored, collapse.rolledBack, sink.reported. */
export const EVENT_SCHEMA_VERSION = 2;

const finiteOrNull = z.number().nullable();
/** Losses and norms may legitimately be NaN or infinite in a diverging run; JSON has no
 * such numbers, so they are written as null (see docs/events.md). */
const measuredNumber = finiteOrNull;

const envelope = {
  v: z.literal(EVENT_SCHEMA_VERSION),
  runId: z.string().min(1),
  seq: z.number().int().nonnegative(),
  step: z.number().int().nonnegative(),
  time: z.number().int().nonnegative(),
};

const errorPayload = z.object({ message: z.string(), code: z.string().optional(), stack: z.string().optional() });
const stepPlan = z.object({ d: z.number().int().nonnegative(), g: z.number().int().nonnegative() });
const networkName = z.enum(['discriminator', 'generator']);

const eventSchemas = [
  z.object({
    ...envelope,
    type: z.literal('run.started'),
    config: z.record(z.unknown()),
    seed: z.number().int(),
    backend: z.string(),
    versions: z.record(z.string()),
    parentRunId: z.string().optional(),
  }),
  z.object({
    ...envelope,
    type: z.literal('discriminator.stepped'),
    /** Index of this update within the step (a step may hold several D updates). */
    update: z.number().int().nonnegative(),
    loss: measuredNumber,
    gradNorm: measuredNumber,
    learningRate: z.number(),
    meanRealOutput: measuredNumber,
    meanFakeOutput: measuredNumber,
    /** Share of the real and generated batch D classified correctly. */
    accuracy: measuredNumber,
  }),
  z.object({
    ...envelope,
    type: z.literal('generator.stepped'),
    update: z.number().int().nonnegative(),
    loss: measuredNumber,
    gradNorm: measuredNumber,
    learningRate: z.number(),
  }),
  z.object({
    ...envelope,
    type: z.literal('step.completed'),
    plan: stepPlan,
    /** Wall time of the whole step, evaluation included. */
    durationMs: z.number().nonnegative(),
    /** Of which inside plugin hooks (beforeStep, gradient hooks, afterStep, shouldStop). */
    hookMs: z.number().nonnegative(),
  }),
  z.object({
    ...envelope,
    type: z.literal('eval.completed'),
    samples: z.number().int().positive(),
    metrics: z.record(measuredNumber),
  }),
  z.object({
    ...envelope,
    type: z.literal('checkpoint.saved'),
    path: z.string(),
    hash: z.string(),
  }),
  z.object({
    ...envelope,
    type: z.literal('checkpoint.restored'),
    path: z.string(),
    hash: z.string(),
    /** The step at which the restored checkpoint was taken. */
    checkpointStep: z.number().int().nonnegative(),
  }),
  z.object({
    ...envelope,
    type: z.literal('collapse.rolledBack'),
    signal: z.string(),
    onsetStep: z.number().int().nonnegative(),
    checkpointStep: z.number().int().nonnegative(),
    /** What the rollback changed before training carried on. */
    changes: z.object({
      generatorLearningRate: z.object({ from: z.number(), to: z.number() }).optional(),
      extraDiscriminatorUpdates: z.number().int().nonnegative().optional(),
    }),
  }),
  z.object({
    ...envelope,
    type: z.literal('gradients.clipped'),
    net: networkName,
    mode: z.string(),
    normBefore: measuredNumber,
    normAfter: measuredNumber,
    clippedFraction: z.number().min(0).max(1),
  }),
  z.object({
    ...envelope,
    type: z.literal('schedule.changed'),
    from: stepPlan,
    to: stepPlan,
    reason: z.string(),
  }),
  ...(['collapse.suspected', 'collapse.detected', 'collapse.recovered'] as const).map((type) =>
    z.object({
      ...envelope,
      type: z.literal(type),
      signal: z.string(),
      value: measuredNumber,
      threshold: z.number(),
    }),
  ),
  z.object({
    ...envelope,
    type: z.literal('plugin.failed'),
    plugin: z.string(),
    /** The hook whose tap threw, or "events$" for a stream subscriber. */
    source: z.string(),
    error: errorPayload,
  }),
  z.object({
    ...envelope,
    type: z.literal('sink.reported'),
    sink: z.string(),
    /** failing: a write failed (retrying); recovered: writes succeed again; final: at run end. */
    status: z.enum(['failing', 'recovered', 'final']),
    backlog: z.number().int().nonnegative(),
    dropped: z.number().int().nonnegative(),
    written: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    error: z.string().optional(),
  }),
  z.object({
    ...envelope,
    type: z.literal('plugin.custom'),
    plugin: z.string(),
    name: z.string().min(1),
    data: z.record(z.unknown()),
  }),
  z.object({
    ...envelope,
    type: z.literal('run.finished'),
    reason: z.enum(['completed', 'stopped', 'interrupted']),
    /** Why a plugin or signal stopped the run, when it did. */
    detail: z.string().optional(),
    wallTimeMs: z.number().nonnegative(),
  }),
  z.object({
    ...envelope,
    type: z.literal('run.failed'),
    error: errorPayload,
    wallTimeMs: z.number().nonnegative(),
  }),
] as const;

export const runEventSchema = z.discriminatedUnion('type', eventSchemas as unknown as [
  (typeof eventSchemas)[number],
  ...(typeof eventSchemas)[number][],
]);

export type RunEvent = Readonly<z.infer<typeof runEventSchema>>;
export type RunEventType = RunEvent['type'];
export type EventOfType<T extends RunEventType> = Extract<RunEvent, { type: T }>;
/** What a publisher supplies: the payload and type; the trainer stamps the envelope. */
export type EventPayload<T extends RunEventType> = Omit<EventOfType<T>, keyof typeof envelope | 'type'>;
export type EventEnvelopeKey = keyof typeof envelope;

export const runEventTypes: readonly RunEventType[] = eventSchemas.map((schema) => schema.shape.type.value);


/**
 * An event without the envelope fields that differ between two runs doing the same
 * thing (v, runId, seq, time), as a string: equal keys mean the same event at the same
 * step. `diff` compares runs with it, replay matches publishes against the record.
 */
export function eventContentKey(event: RunEvent): string {
  const { v, runId, seq, time, ...content } = event;
  return JSON.stringify(content);
}

/** JSON cannot carry NaN or ±Infinity; events record them as null. */
export function toMeasured(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
