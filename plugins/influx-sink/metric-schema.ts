import { FieldType, type IPoint, type ISchemaOptions } from 'influx';
import type { RunEvent } from '../../core/events/run-event';
import { typesWhere } from '../../core/events/event-types';

/**
 * What ganpipe writes to InfluxDB (docs/metrics.md). Tags are low-cardinality only:
 * the run, the dataset, the network, and small enumerations; everything else is a
 * typed field, declared here so that integers stay integers.
 */
export const MEASUREMENTS = {
  updates: 'updates',
  evaluation: 'evaluation',
  evaluationExtra: 'evaluation_extra',
  schedule: 'schedule',
  clipping: 'clipping',
  decisions: 'decisions',
  steps: 'steps',
  sink: 'sink',
} as const;

export const metricSchema: ISchemaOptions[] = [
  {
    measurement: MEASUREMENTS.updates,
    tags: ['run', 'dataset', 'network', 'update'],
    fields: { loss: FieldType.FLOAT, gradNorm: FieldType.FLOAT, learningRate: FieldType.FLOAT, meanRealOutput: FieldType.FLOAT, meanFakeOutput: FieldType.FLOAT, accuracy: FieldType.FLOAT },
  },
  {
    measurement: MEASUREMENTS.evaluation,
    tags: ['run', 'dataset'],
    fields: {
      modesCovered: FieldType.INTEGER,
      highQualityFraction: FieldType.FLOAT,
      reverseKL: FieldType.FLOAT,
      step: FieldType.INTEGER,
      // Sequences and fields (docs/metrics.md); per-feature ones go to evaluation_extra.
      mmd: FieldType.FLOAT,
      mmdBandwidth: FieldType.FLOAT,
      acfDistance: FieldType.FLOAT,
      crossCorrelationDistance: FieldType.FLOAT,
      psdDistance: FieldType.FLOAT,
      moransIDifference: FieldType.FLOAT,
      discriminativeScore: FieldType.FLOAT,
    },
  },
  { measurement: MEASUREMENTS.schedule, tags: ['run', 'dataset'], fields: { d: FieldType.INTEGER, g: FieldType.INTEGER } },
  {
    measurement: MEASUREMENTS.clipping,
    tags: ['run', 'dataset', 'network', 'mode'],
    fields: { normBefore: FieldType.FLOAT, normAfter: FieldType.FLOAT, clippedFraction: FieldType.FLOAT },
  },
  {
    measurement: MEASUREMENTS.decisions,
    // `signal` keeps apart two decisions of one kind in the same millisecond.
    tags: ['run', 'dataset', 'kind', 'signal'],
    fields: { text: FieldType.STRING, value: FieldType.FLOAT, step: FieldType.INTEGER },
  },
  {
    measurement: MEASUREMENTS.steps,
    tags: ['run', 'dataset'],
    fields: { step: FieldType.INTEGER, seq: FieldType.INTEGER, durationMs: FieldType.FLOAT, hookMs: FieldType.FLOAT, d: FieldType.INTEGER, g: FieldType.INTEGER },
  },
  { measurement: MEASUREMENTS.sink, tags: ['run'], fields: { backlog: FieldType.INTEGER, dropped: FieldType.INTEGER, written: FieldType.INTEGER, refused: FieldType.INTEGER } },
];

const BUILT_IN_EVALUATION_METRICS = new Set(Object.keys(metricSchema.find((schema) => schema.measurement === MEASUREMENTS.evaluation)!.fields).filter((field) => field !== 'step'));
const DECISION_TYPES = typesWhere('annotation');

export interface RunTags {
  run: string;
  dataset: string;
}

/**
 * Line protocol cannot carry a newline in a tag, a field name or a string value (it ends
 * the line and would corrupt the rest of the batch), nor NaN or infinities in a field.
 * Newlines are written as the two characters `\n`; non-finite and null fields are left
 * out, and a point left with no field is refused.
 */
export function sanitiseText(value: string): string {
  // Fast path: almost no value has a line break, and this runs for every tag.
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return value;
  return value.replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A tag value or field name, sanitised as text, and without a trailing backslash: line
 * protocol reads it as escaping the separator after it, so InfluxDB refuses the whole
 * batch. It becomes U+29F5 (⧵), which looks the same and escapes nothing.
 */
export function sanitiseKey(value: string): string {
  const text = sanitiseText(value);
  return text.endsWith('\\') ? text.replace(/\\+$/, (slashes) => '\u29f5'.repeat(slashes.length)) : text;
}

function finiteFields(fields: Record<string, unknown>): Record<string, number | string> | undefined {
  const kept: Record<string, number | string> = {};
  let count = 0;
  for (const name in fields) {
    const value = fields[name];
    if (typeof value === 'number' && Number.isFinite(value)) kept[sanitiseKey(name)] = value;
    else if (typeof value === 'string') kept[sanitiseKey(name)] = sanitiseText(value);
    else continue;
    count++;
  }
  return count > 0 ? kept : undefined;
}

function point(measurement: string, tags: Record<string, string>, fields: Record<string, unknown>, time: number): IPoint | undefined {
  const kept = finiteFields(fields);
  if (!kept) return undefined;
  const cleanTags: Record<string, string> = {};
  for (const name in tags) cleanTags[name] = sanitiseKey(tags[name]);
  // Epoch milliseconds as a number: written as-is with precision 'ms' (no Date round trip).
  return { measurement, tags: cleanTags, fields: kept, timestamp: time };
}

function decisionText(event: RunEvent): string {
  switch (event.type) {
    case 'schedule.changed':
      return `D/G ${event.from.d}:${event.from.g} → ${event.to.d}:${event.to.g}: ${event.reason}`;
    case 'collapse.suspected':
    case 'collapse.detected':
    case 'collapse.recovered':
      return `${event.type} ${event.signal} = ${event.value ?? 'non-finite'} (threshold ${event.threshold})`;
    case 'collapse.rolledBack':
      return `rolled back to step ${event.checkpointStep} (${event.signal} from step ${event.onsetStep})`;
    case 'checkpoint.restored':
      return `restored checkpoint of step ${event.checkpointStep}`;
    case 'plugin.failed':
      return `${event.plugin} failed in ${event.source}: ${event.error.message}`;
    default:
      return event.type;
  }
}

/**
 * The points an event carries (none for most). Pure, so live sinks and `backfill`
 * write the same points for the same log: same series and time, so rewriting overwrites.
 */
export function eventToPoints(event: RunEvent, runTags: RunTags): IPoint[] {
  const tags = { run: runTags.run, dataset: runTags.dataset };
  const points: (IPoint | undefined)[] = [];
  switch (event.type) {
    case 'run.started':
      points.push(point(MEASUREMENTS.schedule, tags, { d: 1, g: 1 }, event.time));
      break;
    case 'discriminator.stepped':
      points.push(point(MEASUREMENTS.updates, { ...tags, network: 'discriminator', update: String(event.update) }, { loss: event.loss, gradNorm: event.gradNorm, learningRate: event.learningRate, meanRealOutput: event.meanRealOutput, meanFakeOutput: event.meanFakeOutput, accuracy: event.accuracy }, event.time));
      break;
    case 'generator.stepped':
      points.push(point(MEASUREMENTS.updates, { ...tags, network: 'generator', update: String(event.update) }, { loss: event.loss, gradNorm: event.gradNorm, learningRate: event.learningRate }, event.time));
      break;
    case 'step.completed':
      points.push(point(MEASUREMENTS.steps, tags, { step: event.step, seq: event.seq, durationMs: event.durationMs, hookMs: event.hookMs, d: event.plan.d, g: event.plan.g }, event.time));
      break;
    case 'eval.completed': {
      const builtIn: Record<string, unknown> = { step: event.step };
      const extra: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(event.metrics)) (BUILT_IN_EVALUATION_METRICS.has(name) ? builtIn : extra)[name] = value;
      points.push(point(MEASUREMENTS.evaluation, tags, builtIn, event.time), point(MEASUREMENTS.evaluationExtra, tags, extra, event.time));
      break;
    }
    case 'gradients.clipped':
      points.push(point(MEASUREMENTS.clipping, { ...tags, network: event.net, mode: event.mode }, { normBefore: event.normBefore, normAfter: event.normAfter, clippedFraction: event.clippedFraction }, event.time));
      break;
    default:
      break;
  }
  if (event.type === 'schedule.changed') points.push(point(MEASUREMENTS.schedule, tags, { d: event.to.d, g: event.to.g }, event.time));
  if (DECISION_TYPES.has(event.type)) {
    const signal = 'signal' in event ? event.signal : undefined;
    const value = 'value' in event ? event.value : undefined;
    points.push(point(MEASUREMENTS.decisions, { ...tags, kind: event.type, signal: signal ?? 'none' }, { text: decisionText(event), value, step: event.step }, event.time));
  }
  return points.filter((candidate): candidate is IPoint => candidate !== undefined);
}
