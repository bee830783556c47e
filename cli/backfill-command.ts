import { Command } from 'commander';
import { readEventLog } from '../core/events/event-log-reader';
import { GanpipeError } from '../core/errors';
import { connectInflux } from '../plugins/influx-sink/influx-connection';
import { eventToPoints, type RunTags } from '../plugins/influx-sink/metric-schema';
import { printLine, warnLogProblems } from './console-output';

const BATCH_SIZE = 5000;

/**
 * `ganpipe backfill <runDir>`: writes a recorded log's metrics into InfluxDB, with the
 * same points the live sink writes. Idempotent: a point with the same series and time
 * overwrites, so running it twice leaves the same data.
 */
export function backfillCommand(): Command {
  return new Command('backfill')
    .description('write a recorded run\'s metrics into InfluxDB (idempotent)')
    .argument('<runDir>', 'run directory (or its events.ndjson)')
    .option('--influx <url>', 'InfluxDB URL (or set INFLUX_URL)')
    .option('--database <name>', 'database (default: from the URL, INFLUX_DATABASE, or "ganpipe")')
    .action(async (runDir: string, flags: { influx?: string; database?: string }) => {
      const url = flags.influx ?? process.env.INFLUX_URL;
      if (!url) throw new GanpipeError('GANPIPE_CONFIG_INVALID', '--influx: missing; give --influx URL or set INFLUX_URL');
      const { client, database, displayUrl } = connectInflux({ url, database: flags.database }, '--influx');
      const { events, problems, filePath } = readEventLog(runDir);
      warnLogProblems({ filePath, problems });
      const started = events.find((event) => event.type === 'run.started');
      if (!started || started.type !== 'run.started') throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${filePath}: no run.started event, so the run's tags are unknown`);
      const tags: RunTags = { run: started.runId, dataset: String(started.config.dataset) };
      const points = events.flatMap((event) => eventToPoints(event, tags));
      try {
        await client.createDatabase(database);
        for (let offset = 0; offset < points.length; offset += BATCH_SIZE) {
          await client.writePoints(points.slice(offset, offset + BATCH_SIZE), { precision: 'ms', database });
        }
      } catch (error) {
        throw new GanpipeError('GANPIPE_INFLUX_UNREACHABLE', `--influx ${displayUrl}: ${(error as Error).message}`);
      }
      printLine(`backfilled ${points.length} points from ${events.length} events of run ${tags.run} into ${displayUrl} database ${database}`);
    });
}
