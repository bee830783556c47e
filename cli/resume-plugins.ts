import * as path from 'node:path';
import { isModulePath } from '../core/config/resolve-plugins';
import { pluginReferenceSchema, type PluginReference } from '../core/config/train-config';
import { GanpipeError } from '../core/errors';
import { terminalSafe } from '../core/util/terminal-safe';

/** What the user told `resume` about plugins and metrics. */
export interface ResumePluginChoices {
  /** Plugins from the user's own config file (already resolved against its folder), replacing the recorded list. */
  configPlugins?: PluginReference[];
  /** --trust-recorded-plugins: load module plugins the log names. */
  trustRecordedPlugins: boolean;
  /** --influx or INFLUX_URL: where the resumed run's metrics go. */
  influxUrl?: string;
  /** The name under which the InfluxDB sink is registered. */
  influxSinkName: string;
}

export interface ResumePlugins {
  references: PluginReference[];
  /** What was left out, and why, for one line each on the console. */
  notes: string[];
}

const nameOf = (reference: PluginReference) => (typeof reference === 'string' ? reference : reference.name);

/**
 * The plugins a resumed run gets. A log is data that may come from anyone, so resume
 * never loads code because a log names it, nor sends metrics to an address a log names:
 * - with --config, that file's plugins, as `train` would load them;
 * - otherwise the parent's recorded list: built-in plugins with their recorded options
 *   (their code ships with ganpipe); module paths only with --trust-recorded-plugins
 *   (else one error line naming them and both ways to allow them); the InfluxDB sink is
 *   dropped, its URL being the log's; plugins whose options were redacted (credentials)
 *   are dropped, as they cannot be rebuilt;
 * - --influx URL (or INFLUX_URL) adds the sink, as for `train`.
 */
export function resumePlugins(recorded: unknown, logPath: string, choices: ResumePluginChoices): ResumePlugins {
  const notes: string[] = [];
  let references: PluginReference[];
  if (choices.configPlugins) {
    references = [...choices.configPlugins];
  } else {
    const parsed = pluginReferenceSchema.array().safeParse(recorded ?? []);
    if (!parsed.success) throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${logPath}: run.started.config.plugins is not a list of plugin references; give the plugins with --config FILE`);
    references = [];
    parsed.data.forEach((reference, index) => {
      const name = nameOf(reference);
      if (name === choices.influxSinkName) {
        notes.push(`the parent wrote metrics to InfluxDB; its address is not reused from the log: pass --influx URL to write this run's`);
      } else if (JSON.stringify(reference).includes('[redacted]')) {
        notes.push(`plugins[${index}] (${terminalSafe(name)}) is left out: its recorded options had credentials, which the log does not keep`);
      } else if (isModulePath(name)) {
        if (!choices.trustRecordedPlugins) {
          throw new GanpipeError(
            'GANPIPE_PLUGIN_UNTRUSTED',
            `${logPath}: the parent run loaded plugin module ${terminalSafe(name)} (plugins[${index}]); resume runs no code a log names: ` +
              `pass --trust-recorded-plugins to load it, or --config FILE to name the plugins yourself`,
          );
        }
        if (!path.isAbsolute(name)) {
          throw new GanpipeError('GANPIPE_PLUGIN_UNTRUSTED', `${logPath}: plugins[${index}] (${terminalSafe(name)}) is a relative path and the log does not say what it was relative to: give the plugins with --config FILE`);
        }
        references.push(reference);
      } else {
        references.push(reference);
      }
    });
  }
  if (choices.influxUrl && !references.some((reference) => nameOf(reference) === choices.influxSinkName)) {
    references.push({ name: choices.influxSinkName, options: { url: choices.influxUrl } });
  }
  return { references, notes };
}
