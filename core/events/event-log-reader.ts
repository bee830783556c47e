import * as fs from 'node:fs';
import * as path from 'node:path';
import { GanpipeError } from '../errors';
import { EVENT_LOG_FILE } from './event-log-writer';
import { runEventSchema, runEventTypes, type RunEvent } from './run-event';
import { upcastEvent } from './upcast-event';

const knownTypes = new Set<string>(runEventTypes);

export interface EventLogProblem {
  /** 1-based line number in the file. */
  line: number;
  kind: 'torn-last-line' | 'invalid-json' | 'invalid-event' | 'seq-gap';
  message: string;
}

export interface EventLogReadResult {
  filePath: string;
  events: RunEvent[];
  problems: EventLogProblem[];
}

export interface ReadEventLogOptions {
  /** Make every problem fatal (a torn last line included). */
  strict?: boolean;
}

/** Accepts a run directory or the log file itself. */
export function resolveEventLogPath(runDirOrFile: string): string {
  const stat = fs.statSync(runDirOrFile, { throwIfNoEntry: false });
  if (!stat) throw new GanpipeError('GANPIPE_LOG_NOT_FOUND', `${runDirOrFile}: no such run directory or event log`);
  const filePath = stat.isDirectory() ? path.join(runDirOrFile, EVENT_LOG_FILE) : runDirOrFile;
  if (!fs.existsSync(filePath)) throw new GanpipeError('GANPIPE_LOG_NOT_FOUND', `${filePath}: no event log in this run directory`);
  return filePath;
}

/**
 * Reads and validates a run's log. Bad lines are skipped and reported by line number,
 * so the rest stays usable; a last line without its newline is a write torn by a
 * crash and is dropped with a note. With `strict`, the first problem throws.
 */
export function readEventLog(runDirOrFile: string, options: ReadEventLogOptions = {}): EventLogReadResult {
  const filePath = resolveEventLogPath(runDirOrFile);
  const text = fs.readFileSync(filePath, 'utf8');
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  // After a final newline split leaves one empty piece; without it the last piece is torn.
  // Either way the last piece is not a complete line.
  const completeLineCount = lines.length - 1;
  const events: RunEvent[] = [];
  const problems: EventLogProblem[] = [];
  const report = (problem: EventLogProblem) => {
    if (options.strict) {
      const code = problem.kind === 'seq-gap' ? 'GANPIPE_LOG_GAP' : 'GANPIPE_LOG_CORRUPT';
      throw new GanpipeError(code, `${filePath}:${problem.line}: ${problem.message}`);
    }
    problems.push(problem);
  };

  let expectedSeq = 0;
  for (let index = 0; index < completeLineCount; index++) {
    const lineNumber = index + 1;
    const line = lines[index];
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      report({ line: lineNumber, kind: 'invalid-json', message: 'not valid JSON' });
      continue;
    }
    const upcast = upcastEvent(parsed);
    if ('error' in upcast) {
      report({ line: lineNumber, kind: 'invalid-event', message: upcast.error });
      continue;
    }
    parsed = upcast.event;
    const type = (parsed as { type?: unknown })?.type;
    if (typeof type === 'string' && !knownTypes.has(type)) {
      report({ line: lineNumber, kind: 'invalid-event', message: `unknown event type "${type}"` });
      continue;
    }
    const result = runEventSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? `field "${issue.path.join('.')}"` : 'event';
      const type = typeof (parsed as { type?: unknown })?.type === 'string' ? ` (${(parsed as { type: string }).type})` : '';
      report({ line: lineNumber, kind: 'invalid-event', message: `invalid event${type}: ${where}: ${issue.message}` });
      continue;
    }
    const event = result.data as RunEvent;
    if (event.seq !== expectedSeq) {
      report({
        line: lineNumber,
        kind: 'seq-gap',
        message: `seq ${event.seq} where ${expectedSeq} was expected (${event.seq > expectedSeq ? `${event.seq - expectedSeq} events missing` : 'repeated or out of order'})`,
      });
    }
    expectedSeq = event.seq + 1;
    events.push(event);
  }

  const tornTail = endsWithNewline ? '' : lines[lines.length - 1];
  if (tornTail.length > 0) {
    report({
      line: completeLineCount + 1,
      kind: 'torn-last-line',
      message: `last line has no newline (${tornTail.length} bytes): a write cut short by a crash; dropped`,
    });
  }
  return { filePath, events, problems };
}

export function formatProblem(filePath: string, problem: EventLogProblem): string {
  return `${filePath}:${problem.line}: ${problem.message}`;
}
