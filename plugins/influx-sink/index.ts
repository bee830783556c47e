import { z } from 'zod';
import type { IPoint } from 'influx';
import { GanpipeError } from '../../core/errors';
import type { PluginFactory, PluginHost, TrainerPlugin } from '../../core/trainer/plugin';
import { parsePluginOptions } from '../plugin-options';
import { connectInflux } from './influx-connection';
import { eventToPoints, MEASUREMENTS, type RunTags } from './metric-schema';
import { PointBuffer } from './point-buffer';

export const INFLUX_SINK = 'influx';

export const influxSinkOptionsSchema = z
  .object({
    /** http(s)://[user:password@]host:port[/database]; defaults to INFLUX_URL. */
    url: z.string().min(1).optional(),
    database: z.string().min(1).optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    /** Points per write; InfluxDB's guidance is 5,000. */
    batchSize: z.number().int().min(1).max(5000).default(5000),
    /** Writes in flight at once: two let InfluxDB parse one batch while the next is formatted. */
    concurrentWrites: z.number().int().min(1).max(8).default(2),
    flushIntervalMs: z.number().int().min(10).default(1000),
    /** Points held while InfluxDB is away; beyond it the oldest are dropped (and counted). */
    maxBufferedPoints: z.number().int().min(1).default(200_000),
    maxRetryDelayMs: z.number().int().min(1).default(30_000),
    /** How long the end of a run may wait for the last points. */
    endFlushTimeoutMs: z.number().int().min(0).default(10_000),
  })
  .strict();

export type InfluxSinkOptions = z.input<typeof influxSinkOptionsSchema>;

/**
 * Writes the metrics that events carry to InfluxDB 1.x, off the training path: points
 * are buffered (bounded), written in batches of up to 5,000 or every second, retried
 * with exponential backoff, and flushed at run end. It never blocks or fails a run:
 * with InfluxDB down, training goes on and `sink.reported` events record the backlog
 * and any dropped points; `ganpipe backfill` can write them again from the log.
 */
export class InfluxSinkPlugin implements TrainerPlugin {
  readonly name = INFLUX_SINK;
  readonly options: z.output<typeof influxSinkOptionsSchema>;
  private readonly connection: ReturnType<typeof connectInflux>;

  constructor(options: unknown = {}) {
    this.options = parsePluginOptions(INFLUX_SINK, influxSinkOptionsSchema, options);
    const url = this.options.url ?? process.env.INFLUX_URL;
    if (!url) throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${INFLUX_SINK} options.url: missing; give --influx URL, options.url or INFLUX_URL`);
    this.connection = connectInflux({ ...this.options, url }, `${INFLUX_SINK} options.url`);
  }

  /** Where it writes, without credentials. */
  get target(): string {
    return `${this.connection.displayUrl} database ${this.connection.database}`;
  }

  apply(trainer: PluginHost): void {
    const { client, database } = this.connection;
    const options = this.options;
    const secrets = [options.password, process.env.INFLUX_PASSWORD].filter((secret): secret is string => !!secret);
    const redact = (message: string) => secrets.reduce((text, secret) => text.split(secret).join('***'), message);
    const buffer = new PointBuffer(options.maxBufferedPoints);
    let runTags: RunTags | undefined;
    let written = 0;
    let refused = 0;
    let consecutiveFailures = 0;
    let retryAt = 0;
    const inFlight = new Set<Promise<void>>();
    let runEnded = false;

    const report = (status: 'failing' | 'recovered' | 'final', error?: unknown) => {
      if (runEnded && status !== 'final') return;
      trainer.publish('sink.reported', {
        sink: INFLUX_SINK,
        status,
        backlog: buffer.size,
        dropped: buffer.dropped,
        written,
        refused,
        ...(error ? { error: redact((error as Error).message ?? String(error)) } : {}),
      });
    };
    const healthPoint = (): IPoint => ({ measurement: MEASUREMENTS.sink, tags: { run: runTags?.run ?? 'unknown' }, fields: { backlog: buffer.size, dropped: buffer.dropped, written, refused }, timestamp: Date.now() });

    const writeBatch = async (): Promise<void> => {
      const batch = buffer.take(options.batchSize);
      if (batch.length === 0) return;
      try {
        await client.writePoints(batch, { precision: 'ms', database });
        written += batch.length;
        if (consecutiveFailures > 0) {
          consecutiveFailures = 0;
          retryAt = 0;
          report('recovered');
        }
      } catch (error) {
        // 4xx: InfluxDB read the batch and refused it (e.g. a field type conflict):
        // retrying cannot help. Anything else (down, timeout, 5xx): back off, retry.
        const status = (error as { res?: { statusCode?: number } }).res?.statusCode;
        if (status !== undefined && status >= 400 && status < 500) {
          refused += batch.length;
          report('failing', error);
          return;
        }
        buffer.putBack(batch);
        consecutiveFailures++;
        retryAt = Date.now() + Math.min(options.maxRetryDelayMs, 250 * 2 ** consecutiveFailures);
        if (consecutiveFailures === 1 || consecutiveFailures % 10 === 0) report('failing', error);
      }
    };
    const flush = (force = false): void => {
      while (inFlight.size < options.concurrentWrites && buffer.size > 0 && (force || Date.now() >= retryAt)) {
        const write: Promise<void> = writeBatch().finally(() => inFlight.delete(write));
        inFlight.add(write);
        force = false; // after a failure, back off rather than fire every slot at a dead server
      }
    };

    const timer = setInterval(() => {
      if (runTags && buffer.size > 0) buffer.push([healthPoint()]);
      flush();
    }, options.flushIntervalMs);
    timer.unref();

    trainer.events$.subscribe((event) => {
      if (event.type === 'run.started') runTags = { run: event.runId, dataset: String(event.config.dataset) };
      if (!runTags) return;
      buffer.push(eventToPoints(event, runTags));
      if (buffer.size >= options.batchSize) flush();
    });

    trainer.hooks.runStart.tapPromise(INFLUX_SINK, async () => {
      // CREATE DATABASE is idempotent. If InfluxDB is down now, the writes retry later.
      await client.createDatabase(database).catch((error) => report('failing', error));
    });
    trainer.hooks.runEnd.tapPromise(INFLUX_SINK, async () => {
      clearInterval(timer);
      buffer.push([healthPoint()]);
      const deadline = Date.now() + options.endFlushTimeoutMs;
      while (buffer.size > 0 || inFlight.size > 0) {
        if (Date.now() >= deadline) break;
        if (inFlight.size > 0) await Promise.race(inFlight);
        else if (Date.now() < retryAt) await new Promise((resolve) => setTimeout(resolve, Math.min(retryAt, deadline) - Date.now()));
        else flush(true);
      }
      report('final');
      runEnded = true;
    });
  }
}

export const influxSink: PluginFactory = (options) => new InfluxSinkPlugin(options);
