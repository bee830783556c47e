import * as fs from 'node:fs';
import * as path from 'node:path';
import { GanpipeError } from '../errors';
import type { RunEvent } from './run-event';

export const EVENT_LOG_FILE = 'events.ndjson';
export const DEFAULT_FLUSH_INTERVAL_MS = 200;

/**
 * Append-only NDJSON log of one run.
 *
 * Events are buffered and written in batches, each batch one write(2) of complete
 * lines, so a SIGKILL can at worst tear the last line (the reader drops it) and lose
 * what was buffered: at most `flushIntervalMs` of events. The interval is enforced on
 * append (a busy loop never lets a timer fire) and by an unref'd timer when idle.
 */
export class EventLogWriter {
  private pendingLines: string[] = [];
  private oldestPendingAt = 0;
  private readonly idleFlushTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    readonly filePath: string,
    private readonly fd: number,
    private readonly flushIntervalMs: number,
  ) {
    this.idleFlushTimer = setInterval(() => this.flush(), flushIntervalMs);
    this.idleFlushTimer.unref();
  }

  /** Creates `<runDir>/events.ndjson`; refuses to append to an existing log. */
  static create(runDir: string, flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS): EventLogWriter {
    fs.mkdirSync(runDir, { recursive: true });
    const filePath = path.join(runDir, EVENT_LOG_FILE);
    let fd: number;
    try {
      fd = fs.openSync(filePath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new GanpipeError('GANPIPE_RUN_EXISTS', `${filePath} already exists: choose another --out or run id`);
      }
      throw error;
    }
    return new EventLogWriter(filePath, fd, flushIntervalMs);
  }

  append(event: RunEvent): void {
    if (this.closed) throw new Error(`event log ${this.filePath} is closed; cannot append seq ${event.seq}`);
    const now = Date.now();
    if (this.pendingLines.length === 0) this.oldestPendingAt = now;
    this.pendingLines.push(JSON.stringify(event) + '\n');
    if (now - this.oldestPendingAt >= this.flushIntervalMs) this.flush();
  }

  /** Writes every buffered line. Synchronous on purpose: it is called from signal
   * handlers and on exit, where a pending promise would never settle. */
  flush(): void {
    if (this.pendingLines.length === 0 || this.closed) return;
    const batch = this.pendingLines.join('');
    this.pendingLines = [];
    fs.writeSync(this.fd, batch);
  }

  /** Flushes, fsyncs and closes. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    clearInterval(this.idleFlushTimer);
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.closed = true;
  }
}
