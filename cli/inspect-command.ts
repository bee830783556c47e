import { Command } from 'commander';
import { readEventLog } from '../core/events/event-log-reader';
import { runEventTypes, type RunEvent } from '../core/events/run-event';
import { GanpipeError } from '../core/errors';
import { foldRunState } from '../core/state/run-state';
import { formatSinkReports } from './run-summary';
import { wholeNumberFlag } from './whole-number-flag';
import { terminalSafe } from '../core/util/terminal-safe';
import { printLine, warnLogProblems } from './console-output';

/** One line per event: seq, step, type, then its payload. */
function formatEvent(event: RunEvent): string {
  const { v, runId, seq, step, time, type, ...payload } = event;
  void v;
  void runId;
  const details = type === 'run.started' ? `backend ${(payload as { backend: string }).backend}` : JSON.stringify(payload);
  return `#${seq} step ${step} ${new Date(time).toISOString()} ${type} ${details}`;
}

/**
 * `ganpipe inspect <runDir>`: a run's summary, a filtered listing of its events, or its
 * state at a step, folded from the log with the same `evolve` the live trainer uses.
 */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description('summarise a recorded run, list its events, or show its state at a step')
    .argument('<runDir>', 'run directory (or its events.ndjson)')
    .option('--type <type>', 'only events of this type (a prefix such as "collapse." also works)')
    .option('--from-step <n>', 'only events at or after this step', wholeNumberFlag('--from-step'))
    .option('--to-step <n>', 'only events at or before this step', wholeNumberFlag('--to-step'))
    .option('--at-step <n>', 'the run\'s state at this step (after all its events)', wholeNumberFlag('--at-step'))
    .option('--json', 'machine-readable output')
    .option('--strict', 'treat any bad line in the log as fatal')
    .action((runDir: string, flags: { type?: string; fromStep?: number; toStep?: number; atStep?: number; json?: boolean; strict?: boolean }) => {
      if (flags.type && !runEventTypes.some((type) => type === flags.type || type.startsWith(flags.type!))) {
        throw new GanpipeError('GANPIPE_CONFIG_INVALID', `--type: no event type "${flags.type}"; types are ${runEventTypes.join(', ')}`);
      }
      const { events, problems, filePath } = readEventLog(runDir, { strict: flags.strict });
      warnLogProblems({ filePath, problems });

      if (flags.atStep !== undefined) {
        const state = foldRunState(events.filter((event) => event.step <= flags.atStep!));
        printLine(flags.json ? JSON.stringify(state) : JSON.stringify(state, null, 2));
        return;
      }
      if (flags.type !== undefined || flags.fromStep !== undefined || flags.toStep !== undefined) {
        const selected = events.filter(
          (event) =>
            (flags.type === undefined || event.type === flags.type || event.type.startsWith(flags.type)) &&
            (flags.fromStep === undefined || event.step >= flags.fromStep) &&
            (flags.toStep === undefined || event.step <= flags.toStep),
        );
        for (const event of selected) printLine(flags.json ? JSON.stringify(event) : formatEvent(event));
        return;
      }
      const state = foldRunState(events);
      const started = events.find((event) => event.type === 'run.started');
      const summary = {
        runId: state.runId,
        status: state.status,
        finish: state.finish,
        failure: state.failure,
        steps: state.step,
        events: state.eventCount,
        backend: started?.type === 'run.started' ? started.backend : undefined,
        config: started?.type === 'run.started' ? started.config : undefined,
        versions: started?.type === 'run.started' ? started.versions : undefined,
        decisions: state.decisions,
        schedule: state.schedule,
        collapse: state.collapse,
        lastMetrics: state.metrics,
        lastLosses: { discriminator: state.discriminator?.loss, generator: state.generator?.loss },
        lastCheckpoint: state.lastCheckpoint,
        logProblems: problems.length,
      };
      if (flags.json) {
        printLine(JSON.stringify(summary));
        return;
      }
      const config = summary.config as { dataset?: string; steps?: number; seed?: number; plugins?: unknown[] } | undefined;
      // Every value below comes from the log, which may be crafted: each is escaped and capped.
      const safe = (value: unknown) => terminalSafe(value);
      const finish = summary.finish ? ` (${safe(summary.finish.reason)}${summary.finish.detail ? `: ${safe(summary.finish.detail)}` : ''}, ${(summary.finish.wallTimeMs / 1000).toFixed(1)} s)` : '';
      printLine(`run ${safe(summary.runId ?? '(no run.started)')}: ${summary.status}${finish}`);
      printLine(`  ${safe(config?.dataset ?? 'dataset unknown')}, ${summary.steps}/${safe(config?.steps ?? '?')} steps, seed ${safe(config?.seed ?? '?')}, backend ${safe(summary.backend ?? 'unknown')}, ${summary.events} events`);
      printLine(`  plugins: ${(config?.plugins ?? []).map((plugin) => safe(typeof plugin === 'string' ? plugin : (plugin as { name: string }).name)).join(', ') || 'none'}`);
      printLine(`  decisions: ${Object.entries(summary.decisions).map(([type, count]) => `${type} ×${count}`).join(', ') || 'none'}`);
      printLine(`  schedule now: ${summary.schedule.d} D : ${summary.schedule.g} G; collapse: ${summary.collapse.status}${summary.collapse.signal ? ` (${safe(summary.collapse.signal)} since step ${summary.collapse.since})` : ''}`);
      if (summary.lastMetrics) printLine(`  last metrics (step ${summary.lastMetrics.step}): ${Object.entries(summary.lastMetrics.values).map(([name, value]) => `${safe(name)} ${value === null ? 'n/a' : Number(value.toFixed(4))}`).join(', ')}`);
      printLine(`  last losses: D ${summary.lastLosses.discriminator ?? 'n/a'}, G ${summary.lastLosses.generator ?? 'n/a'}`);
      if (summary.lastCheckpoint) printLine(`  last checkpoint: step ${summary.lastCheckpoint.step}, ${safe(summary.lastCheckpoint.path)}`);
      for (const line of formatSinkReports(state)) printLine(line);
      if (summary.failure) printLine(`  failed: ${safe(summary.failure.message)}`);
      if (problems.length) printLine(`  log problems: ${problems.length} (listed above)`);
    });
}
