import * as fs from 'node:fs';
import * as path from 'node:path';
import { GanpipeError } from '../errors';
import { EVENT_LOG_FILE } from './event-log-writer';
import { runEventSchema, runEventTypes, type RunEvent } from './run-event';
import { upcastEvent } from './upcast-event';
import { terminalSafe } from '../util/terminal-safe';

const knownTypes = new Set<string>(runEventTypes);

export interface EventLogProblem {
  /** 1-based line number in the file. */
  line: number;
  kind: 'torn-last-line' | 'invalid-json' | 'invalid-event' | 'seq-gap' | 'duplicate-line' | 'no-events' | 'no-run-started';
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
  const fileStat = fs.statSync(filePath, { throwIfNoEntry: false });
  if (!fileStat) throw new GanpipeError('GANPIPE_LOG_NOT_FOUND', `${filePath}: no event log in this run directory`);
  if (!fileStat.isFile()) throw new GanpipeError('GANPIPE_LOG_NOT_FOUND', `${filePath}: not a file (an event log is a file of JSON lines)`);
  return filePath;
}

/**
 * Reads and validates a run's log. Bad lines are skipped and reported by line number,
 * so the rest stays usable; a last line without its newline is a write torn by a
 * crash and is dropped with a note. With `strict`, the first problem throws.
 */
export function readEventLog(runDirOrFile: string, options: ReadEventLogOptions = {}): EventLogReadResult {
  const filePath = resolveEventLogPath(runDirOrFile);
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    throw new GanpipeError('GANPIPE_LOG_NOT_FOUND', `${filePath}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  // After a final newline split leaves one empty piece; without it the last piece is torn.
  // Either way the last piece is not a complete line.
  const completeLineCount = lines.length - 1;
  const events: RunEvent[] = [];
  const problems: EventLogProblem[] = [];
  const report = (problem: EventLogProblem) => {
    if (options.strict) {
      const code = problem.kind === 'seq-gap' || problem.kind === 'duplicate-line' ? 'GANPIPE_LOG_GAP' : 'GANPIPE_LOG_CORRUPT';
      throw new GanpipeError(code, `${filePath}:${problem.line}: ${problem.message}`);
    }
    problems.push(problem);
  };

  let expectedSeq = 0;
  // Line index of each seq kept, to tell a line written twice (dropped) from a seq reused by another event.
  const lineIndexBySeq = new Map<number, number>();
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
    const earlier = lineIndexBySeq.get(event.seq);
    if (earlier !== undefined && lines[earlier] === line) {
      // A copy (a retried write, a careless concatenation): counting it twice would double its step.
      report({ line: lineNumber, kind: 'duplicate-line', message: `repeats line ${earlier + 1} (seq ${event.seq}) exactly; dropped` });
      continue;
    }
    lineIndexBySeq.set(event.seq, index);
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
  if (events.length === 0) {
    report({ line: 1, kind: 'no-events', message: completeLineCount === 0 && tornTail.length === 0 ? 'the log is empty: no events' : 'no valid event in the log' });
  } else if (events[0].type !== 'run.started') {
    report({ line: lineIndexBySeq.get(events[0].seq)! + 1, kind: 'no-run-started', message: `the log does not begin with run.started (its first event is ${events[0].type}): the run's id and config are unknown` });
  }
  return { filePath, events, problems };
}

export function formatProblem(filePath: string, problem: EventLogProblem): string {
  // The message quotes the line (a type name, a value): escaped and capped for the terminal.
  return `${filePath}:${problem.line}: ${terminalSafe(problem.message)}`;
}
