import * as path from 'node:path';
import { Command } from 'commander';
import { builtInPlugins } from '../plugins/built-in-plugins';
import { loadTrainConfig } from '../core/config/load-train-config';
import { isModulePath, resolvePlugins } from '../core/config/resolve-plugins';
import { terminalSafe } from '../core/util/terminal-safe';
import { pluginReferenceSchema, type PluginReference } from '../core/config/train-config';
import { readEventLog } from '../core/events/event-log-reader';
import type { RunEvent } from '../core/events/run-event';
import { typesWhere } from '../core/events/event-types';
import { ReplayHost } from '../core/replay/replay-host';
import { printLine, warnLine, warnLogProblems } from './console-output';

interface Decision {
  step: number;
  type: string;
  signal: string;
  value: number | null | undefined;
}

const asDecision = (event: RunEvent): Decision => ({
  step: event.step,
  type: event.type,
  signal: 'signal' in event ? event.signal : 'plugin' in event ? event.plugin : '',
  value: 'value' in event ? event.value : undefined,
});
const keyOf = (decision: Decision) => `${decision.step}|${decision.type}|${decision.signal}`;

/** The plugins to replay: --plugin names (options from --config when it names them), else --config's list, else the recorded run's own observing plugins. */
function pluginReferences(recordedPlugins: unknown, configPlugins: PluginReference[] | undefined, flagged: string[]): PluginReference[] {
  const nameOf = (reference: PluginReference) => (typeof reference === 'string' ? reference : reference.name);
  // A flagged module path is the user's, relative to where they are; the config's are already resolved.
  const sameAs = (flaggedName: string) => (isModulePath(flaggedName) ? path.resolve(flaggedName) : flaggedName);
  if (flagged.length > 0) return flagged.map((name) => configPlugins?.find((reference) => nameOf(reference) === sameAs(name)) ?? name);
  if (configPlugins) return configPlugins;
  const recorded = pluginReferenceSchema.array().safeParse(recordedPlugins);
  return (recorded.success ? recorded.data : []).filter((reference) => nameOf(reference) === 'collapse-detection');
}

/** Module paths among the recorded plugins, which replay never loads unless named by the user. */
function recordedModulePaths(recordedPlugins: unknown): string[] {
  const recorded = pluginReferenceSchema.array().safeParse(recordedPlugins);
  return (recorded.success ? recorded.data : []).map((reference) => (typeof reference === 'string' ? reference : reference.name)).filter(isModulePath);
}

/**
 * `ganpipe replay <runDir>`: streams a recorded log through plugins that observe the
 * stream (the same code, on the same events$), and shows their decisions against the
 * recorded ones, step by step: with a changed config, a what-if.
 */
export function replayCommand(): Command {
  return new Command('replay')
    .description('replay a recorded run through observing plugins and compare their decisions with the record')
    .argument('<runDir>', 'run directory (or its events.ndjson)')
    .option('--config <file>', 'a run config whose plugins (and their options) to replay with')
    .option('--plugin <nameOrPath...>', 'plugins to replay (default: the recorded collapse-detection)')
    .option('--json', 'machine-readable output')
    .option('--strict', 'treat any bad line in the log as fatal')
    .action(async (runDir: string, flags: { config?: string; plugin?: string[]; json?: boolean; strict?: boolean }) => {
      const { events, problems, filePath } = readEventLog(runDir, { strict: flags.strict });
      warnLogProblems({ filePath, problems });
      const host = new ReplayHost(events, runDir);
      const started = events.find((event) => event.type === 'run.started');
      const loaded = flags.config ? loadTrainConfig(flags.config) : undefined;
      const references = pluginReferences(started?.type === 'run.started' ? started.config.plugins : undefined, loaded?.config.plugins, flags.plugin ?? []);
      if (!flags.config && !flags.plugin?.length) {
        for (const name of recordedModulePaths(started?.type === 'run.started' ? started.config.plugins : undefined)) {
          warnLine(`the recorded run also used plugin module ${terminalSafe(name)}; replay loads no code a log names: pass --plugin PATH to replay through it`);
        }
      }
      const plugins = resolvePlugins(references, builtInPlugins, loaded?.baseDir ?? process.cwd());
      const published = await host.replay(plugins);

      const remadeInReplay = typesWhere('remadeInReplay');
      const recorded = events.filter((event) => remadeInReplay.has(event.type)).map(asDecision);
      const replayed = published.filter((event) => event.type !== 'plugin.custom').map(asDecision);
      const recordedKeys = new Set(recorded.map(keyOf));
      const replayedKeys = new Set(replayed.map(keyOf));
      const rows = [...recorded.filter((decision) => !replayedKeys.has(keyOf(decision))).map((decision) => ({ ...decision, in: 'recorded only' })),
        ...replayed.filter((decision) => !recordedKeys.has(keyOf(decision))).map((decision) => ({ ...decision, in: 'replayed only' })),
        ...replayed.filter((decision) => recordedKeys.has(keyOf(decision))).map((decision) => ({ ...decision, in: 'both' }))].sort((a, b) => a.step - b.step || a.type.localeCompare(b.type));
      const differing = rows.filter((row) => row.in !== 'both');
      const fromRecord: Record<string, number> = {};
      const hookDecisionTypes = typesWhere('fromHooks');
      for (const event of events) if (hookDecisionTypes.has(event.type)) fromRecord[event.type] = (fromRecord[event.type] ?? 0) + 1;

      if (flags.json) {
        printLine(JSON.stringify({ runId: host.runId, plugins: plugins.map((plugin) => plugin.name), recorded, replayed, differences: differing, firstDifferenceStep: differing[0]?.step ?? null, hookDecisionsFromRecord: fromRecord }));
        return;
      }
      printLine(`replayed ${events.length} events of run ${host.runId} through ${plugins.map((plugin) => plugin.name).join(', ') || 'no plugins'}`);
      printLine(`decisions: ${recorded.length} recorded, ${replayed.length} replayed, ${differing.length} differ${differing.length ? `; first difference at step ${differing[0].step}` : ''}`);
      for (const row of rows) printLine(`  step ${row.step}: ${row.type} ${row.signal}${row.value !== undefined ? ` = ${row.value === null ? 'non-finite' : Number(row.value.toFixed(4))}` : ''}  [${row.in}]`);
      printLine(`decisions made through hooks, from the record: ${Object.entries(fromRecord).map(([type, count]) => `${type} ×${count}`).join(', ') || 'none'}`);
    });
}
