import * as path from 'node:path';
import { Command } from 'commander';
import { builtInPlugins } from '../plugins/built-in-plugins';
import { INFLUX_SINK, InfluxSinkPlugin } from '../plugins/influx-sink';
import { selectBackend } from '../core/backend/select-backend';
import { loadTrainConfig } from '../core/config/load-train-config';
import { isGanpipeError } from '../core/errors';
import { resolvePlugins } from '../core/config/resolve-plugins';
import { backendChoices } from '../core/config/train-config';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { Trainer } from '../core/trainer/trainer';
import { reportProgress } from './progress-reporter';
import { formatRunSummary } from './run-summary';
import { wholeNumberFlag } from './whole-number-flag';
import { printLine, warnLine } from './console-output';

const exitCodeForSignal: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function trainCommand(): Command {
  return new Command('train')
    .description('train a GAN; every step becomes an event in <out>/<runId>/events.ndjson')
    .option('--config <file>', 'JSON config file (flags override it)')
    .option('--dataset <name>', 'built-in dataset')
    .option('--steps <n>', 'training steps', wholeNumberFlag('--steps'))
    .option('--seed <n>', 'random seed', wholeNumberFlag('--seed'))
    .option('--backend <name>', `one of ${backendChoices.join(', ')}`)
    .option('--out <dir>', 'directory that holds run directories (default runs/)')
    .option('--influx <url>', 'write metrics to InfluxDB at this URL (or set INFLUX_URL)')
    .action(async (flags: { config?: string; dataset?: string; steps?: number; seed?: number; backend?: string; out?: string; influx?: string }) => {
      const { config, baseDir } = loadTrainConfig(flags.config, {
        dataset: flags.dataset,
        steps: flags.steps,
        seed: flags.seed,
        backend: flags.backend,
        out: flags.out,
      });
      const influxUrl = flags.influx ?? process.env.INFLUX_URL;
      const namesInflux = config.plugins.some((reference) => (typeof reference === 'string' ? reference : reference.name) === INFLUX_SINK);
      if (influxUrl && !namesInflux) config.plugins.push({ name: INFLUX_SINK, options: { url: influxUrl } });
      const plugins = resolvePlugins(config.plugins, builtInPlugins, baseDir);
      const backend = await selectBackend(config.backend);
      const trainer = new Trainer({ config, backend: backend.name, plugins });
      const skipped = backend.skipped.length ? ` (passed over ${backend.skipped.join('; ')})` : '';
      warnLine(`training ${config.dataset} for ${config.steps} steps, seed ${config.seed}, on ${backend.name}${skipped}`);
      warnLine(`run ${trainer.runId}, plugins: ${plugins.map((plugin) => plugin.name).join(', ') || 'none'}`);
      const sink = plugins.find((plugin): plugin is InfluxSinkPlugin => plugin instanceof InfluxSinkPlugin);
      if (sink) warnLine(`metrics to InfluxDB at ${sink.target}`);

      let receivedSignal: string | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        receivedSignal ??= signal;
        trainer.stop('interrupted', signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      reportProgress(trainer.events$, config.steps);
      const logPath = path.join(path.relative(process.cwd(), trainer.runDir) || '.', EVENT_LOG_FILE);
      try {
        const state = await trainer.run();
        printLine(formatRunSummary(state, logPath, backend.name));
      } catch (error) {
        // After a failed log write the state in memory is ahead of the log: no summary of it.
        if (!isGanpipeError(error) || error.code !== 'GANPIPE_WRITE_FAILED') printLine(formatRunSummary(trainer.state, logPath, backend.name));
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (receivedSignal) process.exitCode = exitCodeForSignal[receivedSignal] ?? 1;
    });
}
