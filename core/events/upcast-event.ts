import { EVENT_SCHEMA_VERSION } from './run-event';

type RawEvent = Record<string, unknown>;

/**
 * Upcasters, by the schema version they read: each turns an event of that version into
 * the next one. The reader applies them in turn, so every log ever written stays
 * readable (and replayable) as the schema evolves. Add one with every version bump.
 */
const upcasters: Record<number, (event: RawEvent) => RawEvent> = {
  // v1 → v2: discriminator.stepped gained `accuracy`; a v1 run never measured it.
  1: (event) => ({ ...event, v: 2, ...(event.type === 'discriminator.stepped' && !('accuracy' in event) ? { accuracy: null } : {}) }),
};

/** Brings a parsed line to the current version, or says why it cannot. */
export function upcastEvent(raw: unknown): { event: unknown } | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { event: raw };
  let event = raw as RawEvent;
  const version = event.v;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { event };
  if (version > EVENT_SCHEMA_VERSION) {
    return { error: `written by a newer ganpipe (event schema v${version}; this one reads v1 to v${EVENT_SCHEMA_VERSION})` };
  }
  for (let from = version; from < EVENT_SCHEMA_VERSION; from++) event = upcasters[from](event);
  return { event };
}
