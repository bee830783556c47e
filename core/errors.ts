/**
 * The one catalog of errors a user can cause (Fastify's lib/errors.js pattern).
 * Each has a stable code, and its message names the field, line or path and what
 * would be right. The CLI prints `message` on one line and exits 2; anything that
 * is not a GanpipeError is a bug and keeps its stack.
 * docs/errors.md lists the same codes; test/errors.test.ts checks they agree.
 */
export const errorCatalog = {
  GANPIPE_CONFIG_INVALID: 'A config file or flag has an unknown key, a wrong type or an out-of-range value.',
  GANPIPE_CONFIG_NOT_FOUND: 'The config file (or a plugin module it names) does not exist or cannot be read.',
  GANPIPE_CONFIG_UNPARSABLE: 'The config file is not valid JSON.',
  GANPIPE_PLUGIN_UNKNOWN: 'A config names a plugin that is neither built in nor a loadable module.',
  GANPIPE_PLUGIN_INVALID: 'A plugin module does not export a plugin ({ name, apply(trainer) }) or a factory of one.',
  GANPIPE_BACKEND_UNAVAILABLE: 'The requested TensorFlow.js backend cannot be loaded on this machine.',
  GANPIPE_LOG_NOT_FOUND: 'The event log (or run directory) does not exist, is not a file, or cannot be read.',
  GANPIPE_LOG_CORRUPT: 'A line of an event log is not valid JSON or not a valid event.',
  GANPIPE_LOG_GAP: 'The seq numbers of an event log skip or repeat.',
  GANPIPE_CHECKPOINT_INVALID: 'A checkpoint is missing files, unreadable, or its content hash does not match the one recorded.',
  GANPIPE_INFLUX_UNREACHABLE: 'InfluxDB could not be reached or refused a write during backfill.',
  GANPIPE_RUN_EXISTS: 'The run directory already holds an event log; runs never overwrite one another.',
  GANPIPE_DATA_INVALID: 'A dataset file (CSV) is missing a column, has a non-numeric cell or unordered time, or is too short for one window.',
  GANPIPE_MODEL_UNSUPPORTED: 'The chosen backend lacks a kernel the model needs to train (checked before the first step).',
  GANPIPE_WRITE_FAILED: "A run's event log or checkpoint could not be written (a full disk, an I/O error); what was recorded before stays valid.",
  GANPIPE_PLUGIN_UNTRUSTED: 'A log names a plugin module to load; resume loads no code a log names unless told to.',
} as const;

export type ErrorCode = keyof typeof errorCatalog;

export class GanpipeError extends Error {
  override readonly name = 'GanpipeError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isGanpipeError(error: unknown): error is GanpipeError {
  return error instanceof GanpipeError;
}

/** Serialises any thrown value for an event payload (events must stay plain JSON). */
export function describeError(error: unknown): { message: string; code?: string; stack?: string } {
  if (error instanceof GanpipeError) return { message: error.message, code: error.code };
  if (error instanceof Error) return { message: error.message, stack: error.stack };
  return { message: String(error) };
}
