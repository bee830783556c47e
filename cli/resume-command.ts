import * as path from 'node:path';
import { Command } from 'commander';
import { builtInPlugins } from '../plugins/built-in-plugins';
import { INFLUX_SINK } from '../plugins/influx-sink';
import { selectBackend } from '../core/backend/select-backend';
import { resolvePlugins } from '../core/config/resolve-plugins';
import { backendChoices, trainConfigSchema } from '../core/config/train-config';
import { describeIssue, loadTrainConfig } from '../core/config/load-train-config';
import { GanpipeError, isGanpipeError } from '../core/errors';
import { terminalSafe } from '../core/util/terminal-safe';
import { verifyCheckpointHash } from '../core/checkpoint/checkpoint-files';
import { readEventLog } from '../core/events/event-log-reader';
import type { EventOfType, RunEvent } from '../core/events/run-event';
import { Trainer } from '../core/trainer/trainer';
import { reportProgress } from './progress-reporter';
import { resumePlugins } from './resume-plugins';
import { formatRunSummary } from './run-summary';
import { wholeNumberFlag } from './whole-number-flag';
import { printLine, warnLine, warnLogProblems } from './console-output';

/** Each step's losses, in update order: what --verify compares. */
function lossesByStep(events: readonly RunEvent[]): Map<number, (number | null)[]> {
  const byStep = new Map<number, (number | null)[]>();
  for (const event of events) {
    if (event.type !== 'discriminator.stepped' && event.type !== 'generator.stepped') continue;
    byStep.set(event.step, [...(byStep.get(event.step) ?? []), event.loss]);
  }
  return byStep;
}

/**
 * The newest of `candidates` (newest first) whose files match their recorded hash,
 * checked before a new run exists; a damaged or missing one is named and the one
 * before it tried. If none is intact, the oldest one's error is thrown.
 */
function newestIntactCheckpoint(candidates: EventOfType<'checkpoint.saved'>[], runDir: string): { checkpoint: EventOfType<'checkpoint.saved'>; checkpointPath: string } {
  for (const [index, checkpoint] of candidates.entries()) {
    const checkpointPath = path.resolve(runDir, checkpoint.path);
    try {
      verifyCheckpointHash(checkpointPath, checkpoint.hash);
      return { checkpoint, checkpointPath };
    } catch (error) {
      if (!isGanpipeError(error) || index === candidates.length - 1) throw error;
      warnLine(`${terminalSafe(error.message)}; trying the checkpoint at step ${candidates[index + 1].step}`);
    }
  }
  throw new Error('newestIntactCheckpoint: no candidates');
}

/**
 * `ganpipe resume <runDir> --from-step N`: restores the nearest checkpoint at or before
 * N (weights, both optimizers, the random streams) and carries on as a new run whose
 * run.started names its parent. `--verify` then compares every step after the
 * checkpoint with the parent's record and reports the first divergence.
 */
export function resumeCommand(): Command {
  return new Command('resume')
    .description('carry on a recorded run from its nearest checkpoint, as a new run; --verify compares with the record')
    .argument('<runDir>', 'the parent run directory')
    .requiredOption('--from-step <n>', 'resume from the last checkpoint at or before this step', wholeNumberFlag('--from-step'))
    .option('--steps <n>', 'steps to train after the checkpoint (default: up to the parent\'s configured steps)', wholeNumberFlag('--steps'))
    .option('--verify', 'compare the resumed steps with the parent\'s recorded losses')
    .option('--backend <name>', `one of ${backendChoices.join(', ')} (default: the parent's)`)
    .option('--out <dir>', 'where the new run goes (default: beside the parent)')
    .option('--config <file>', "a config file whose plugins (and their options) the resumed run uses instead of the parent's")
    .option('--trust-recorded-plugins', 'load the plugin modules the parent\'s log names (resume loads no code a log names otherwise)')
    .option('--influx <url>', 'write the resumed run\'s metrics to InfluxDB at this URL (or set INFLUX_URL); the parent\'s is not reused')
    .action(async (runDir: string, flags: { fromStep: number; steps?: number; verify?: boolean; backend?: string; out?: string; config?: string; trustRecordedPlugins?: boolean; influx?: string }) => {
      const { events: parentEvents, problems, filePath } = readEventLog(runDir);
      warnLogProblems({ filePath, problems });
      const started = parentEvents.find((event) => event.type === 'run.started');
      if (!started || started.type !== 'run.started') throw new GanpipeError('GANPIPE_LOG_CORRUPT', `${filePath}: no run.started event: the parent's config is unknown`);
      const checkpoints = parentEvents.filter((event): event is EventOfType<'checkpoint.saved'> => event.type === 'checkpoint.saved');
      const candidates = checkpoints.filter((event) => event.step <= flags.fromStep).reverse();
      if (candidates.length === 0) {
        throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `--from-step ${flags.fromStep}: no checkpoint at or before it in ${filePath} (checkpoints at steps: ${checkpoints.map((event) => event.step).join(', ') || 'none'})`);
      }
      const { checkpoint, checkpointPath } = newestIntactCheckpoint(candidates, path.dirname(filePath));
      const loaded = flags.config ? loadTrainConfig(flags.config) : undefined;
      const { references: plugins, notes } = resumePlugins(started.config.plugins, filePath, {
        configPlugins: loaded?.config.plugins,
        trustRecordedPlugins: flags.trustRecordedPlugins === true,
        influxUrl: flags.influx ?? process.env.INFLUX_URL,
        influxSinkName: INFLUX_SINK,
      });
      for (const note of notes) warnLine(`${note}`);
      const parsed = trainConfigSchema.safeParse({
        ...started.config,
        plugins,
        out: flags.out ?? path.dirname(path.resolve(runDir)),
        steps: flags.steps !== undefined ? checkpoint.step + flags.steps : started.config.steps,
        ...(flags.backend ? { backend: flags.backend } : {}),
      });
      if (!parsed.success) throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${filePath}: the recorded config: ${parsed.error.issues[0].path.join('.')}: ${describeIssue(parsed.error.issues[0])}`);
      const config = parsed.data;
      const backend = await selectBackend(flags.backend ? config.backend : (started.backend as typeof config.backend));
      const trainer = new Trainer({
        config,
        backend: backend.name,
        plugins: resolvePlugins(config.plugins, builtInPlugins, loaded?.baseDir ?? process.cwd()),
        parentRunId: started.runId,
        resumeFrom: { checkpointPath, expectedHash: checkpoint.hash },
      });
      warnLine(`resuming ${started.runId} from its checkpoint at step ${checkpoint.step} as run ${trainer.runId}, to step ${config.steps}, on ${backend.name}`);
      reportProgress(trainer.events$, config.steps);
      const state = await trainer.run();
      printLine(formatRunSummary(state, path.join(trainer.runDir, 'events.ndjson'), backend.name));
      if (!flags.verify) return;

      const [recorded, resumed] = [lossesByStep(parentEvents), lossesByStep(readEventLog(trainer.runDir).events)];
      const lastComparable = Math.min(Math.max(0, ...recorded.keys()), state.step);
      if (lastComparable <= checkpoint.step) {
        // Nothing verified is not "no divergence" (a parent killed right after its checkpoint).
        printLine(`verify: nothing to compare: the parent recorded no step after its checkpoint at step ${checkpoint.step}`);
        process.exitCode = 1;
        return;
      }
      for (let step = checkpoint.step + 1; step <= lastComparable; step++) {
        if (JSON.stringify(recorded.get(step)) !== JSON.stringify(resumed.get(step))) {
          printLine(`verify: first divergence at step ${step}: recorded losses ${JSON.stringify(recorded.get(step))}, resumed ${JSON.stringify(resumed.get(step))}`);
          process.exitCode = 1;
          return;
        }
      }
      printLine(`verify: no divergence in the ${lastComparable - checkpoint.step} steps after the checkpoint (steps ${checkpoint.step + 1}–${lastComparable})`);
    });
}
