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
 *
 * A write that fails or falls short (a full disk, an I/O error) is never ignored: the
 * file is cut back to its last complete batch, so it stays valid and gapless, the batch
 * stays pending (the next flush retries it, with whatever came after), and the failure
 * is thrown as GANPIPE_WRITE_FAILED: from `append` or `close` to the trainer, never from
 * the idle timer (whose failure the next append or close reports).
 */
export class EventLogWriter {
  private pendingLines: string[] = [];
  private oldestPendingAt = 0;
  private readonly idleFlushTimer: NodeJS.Timeout;
  private closed = false;
  /** Bytes of complete batches on disk: where a failed write is cut back to. */
  private writtenBytes = 0;

  private constructor(
    readonly filePath: string,
    private readonly fd: number,
    private readonly flushIntervalMs: number,
  ) {
    this.idleFlushTimer = setInterval(() => {
      try {
        this.flush();
      } catch {
        // The batch stays pending: the next append or close retries it and reports a failure.
      }
    }, flushIntervalMs);
    this.idleFlushTimer.unref();
  }

  /** Creates `<runDir>/events.ndjson`; refuses to append to an existing log. */
  static create(runDir: string, flushIntervalMs = DEFAULT_FLUSH_INTERVAL_MS): EventLogWriter {
    const filePath = path.join(runDir, EVENT_LOG_FILE);
    let fd: number;
    try {
      fs.mkdirSync(runDir, { recursive: true });
      fd = fs.openSync(filePath, 'wx');
    } catch (error) {
      const code = whyNotWritable(runDir) ?? (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(runDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new GanpipeError('GANPIPE_RUN_EXISTS', `${filePath} already exists: choose another --out or run id`);
      }
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way where a folder should be' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'no permission to write there' : (error as Error).message;
      throw new GanpipeError('GANPIPE_WRITE_FAILED', `${runDir}: cannot create the run's folder and log (${code ?? 'error'}: ${why}); choose another --out`);
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
    const batch = Buffer.from(this.pendingLines.join(''));
    let written = 0;
    try {
      // write(2) may write less than asked (a nearly full disk): carry on from there;
      // 0 bytes written is a failure too, or the loop would never end.
      while (written < batch.length) {
        const count = fs.writeSync(this.fd, batch, written, batch.length - written, this.writtenBytes + written);
        if (count === 0) throw Object.assign(new Error('wrote 0 bytes'), { code: 'EIO' });
        written += count;
      }
    } catch (error) {
      this.failWrite(error as NodeJS.ErrnoException, batch.length - written);
    }
    this.writtenBytes += batch.length;
    this.pendingLines = [];
  }

  private failWrite(error: NodeJS.ErrnoException, unwrittenBytes: number): never {
    // Cut the partial batch off: the file ends on its last complete line, and the whole
    // batch stays pending for a retry, so no seq goes missing in between.
    try {
      fs.ftruncateSync(this.fd, this.writtenBytes);
    } catch {
      // The cut itself failed: the reader drops a torn last line anyway.
    }
    throw new GanpipeError(
      'GANPIPE_WRITE_FAILED',
      `${this.filePath}: cannot write the event log (${error.code ?? error.message}; ${unwrittenBytes} bytes unwritten): ` +
        `its last ${this.pendingLines.length === 1 ? 'event is' : `${this.pendingLines.length} events are`} not in it; the file ends on a complete line`,
    );
  }

  /**
   * Flushes, fsyncs and closes. Idempotent. If the last lines cannot be written, the
   * file is still closed (ending on a complete line) and the failure is thrown.
   */
  close(): void {
    if (this.closed) return;
    clearInterval(this.idleFlushTimer);
    let failure: unknown;
    try {
      this.flush();
      fs.fsyncSync(this.fd);
    } catch (error) {
      failure = error;
    }
    fs.closeSync(this.fd);
    this.closed = true;
    if (failure) throw failure;
  }
}

/**
 * The real reason a folder cannot be created under its deepest existing ancestor:
 * Node's recursive mkdir reports ENOENT on a read-only filesystem, which would send the
 * user looking for a missing folder. Undefined when the ancestor looks writable.
 */
function whyNotWritable(dir: string): string | undefined {
  let ancestor = path.dirname(dir);
  while (!fs.existsSync(ancestor) && path.dirname(ancestor) !== ancestor) ancestor = path.dirname(ancestor);
  if (!fs.statSync(ancestor).isDirectory()) return 'ENOTDIR';
  try {
    fs.accessSync(ancestor, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}
