import { terminalSafeLines } from '../core/util/terminal-safe';
import { formatProblem, type EventLogReadResult } from '../core/events/event-log-reader';

/**
 * Every line the CLI prints goes through here: whatever it quotes from a log or a
 * config, no control character reaches the terminal (docs/errors.md).
 */
export function printLine(text: string): void {
  process.stdout.write(`${terminalSafeLines(text)}\n`);
}

/** A note or warning on stderr, "ganpipe: …". */
export function warnLine(text: string): void {
  process.stderr.write(`ganpipe: ${terminalSafeLines(text)}\n`);
}

/** Problems beyond this many are counted, not listed: a binary file can hold thousands of bad lines. */
const LISTED_LOG_PROBLEMS = 20;

/** A log's problems as warnings, one line each (the first LISTED_LOG_PROBLEMS, then a count). */
export function warnLogProblems({ filePath, problems }: Pick<EventLogReadResult, 'filePath' | 'problems'>): void {
  for (const problem of problems.slice(0, LISTED_LOG_PROBLEMS)) warnLine(formatProblem(filePath, problem));
  if (problems.length > LISTED_LOG_PROBLEMS) warnLine(`${filePath}: ${problems.length - LISTED_LOG_PROBLEMS} more problems not listed`);
}
