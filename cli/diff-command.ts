import { Command } from 'commander';
import { readEventLog } from '../core/events/event-log-reader';
import { eventContentKey, type RunEvent } from '../core/events/run-event';
import { printLine, warnLogProblems } from './console-output';
import { eventTypeTraits } from '../core/events/event-types';

/** Leaf-by-leaf differences of two JSON values: "path: a → b". */
export function configDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((key) => configDifferences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
  }
  return [`${prefix || '(root)'}: ${JSON.stringify(a) ?? 'absent'} → ${JSON.stringify(b) ?? 'absent'}`];
}

/** What a step did, comparably: losses of each update and the decisions made, without times or seqs. */
function stepFingerprints(events: readonly RunEvent[]): Map<number, string[]> {
  const byStep = new Map<number, string[]>();
  for (const event of events) {
    if (event.step === 0 || !eventTypeTraits[event.type].compared) continue;
    const entries = byStep.get(event.step) ?? [];
    entries.push(eventContentKey(event));
    byStep.set(event.step, entries);
  }
  return byStep;
}

/** `ganpipe diff <runA> <runB>`: config differences and the first step where the runs diverge. */
export function diffCommand(): Command {
  return new Command('diff')
    .description('compare two runs: config differences and the first step where losses or decisions diverge')
    .argument('<runA>')
    .argument('<runB>')
    .option('--json', 'machine-readable output')
    .action((runA: string, runB: string, flags: { json?: boolean }) => {
      const [a, b] = [runA, runB].map((dir) => {
        const result = readEventLog(dir);
        warnLogProblems(result);
        return result.events;
      });
      const configOf = (events: RunEvent[]) => {
        const started = events.find((event) => event.type === 'run.started');
        const { out, ...config } = (started?.type === 'run.started' ? started.config : {}) as Record<string, unknown>;
        void out;
        return config;
      };
      const differences = configDifferences(configOf(a), configOf(b));
      const [stepsA, stepsB] = [stepFingerprints(a), stepFingerprints(b)];
      const lastCommon = Math.min(Math.max(0, ...stepsA.keys()), Math.max(0, ...stepsB.keys()));
      let divergence: { step: number; a: string[]; b: string[] } | undefined;
      for (let step = 1; step <= lastCommon; step++) {
        const [left, right] = [stepsA.get(step) ?? [], stepsB.get(step) ?? []];
        if (JSON.stringify(left) !== JSON.stringify(right)) {
          divergence = { step, a: left.filter((entry) => !right.includes(entry)), b: right.filter((entry) => !left.includes(entry)) };
          break;
        }
      }
      if (flags.json) {
        printLine(JSON.stringify({ configDifferences: differences, stepsCompared: lastCommon, firstDivergence: divergence ?? null }));
        return;
      }
      printLine(differences.length ? `config differs:\n${differences.map((line) => `  ${line}`).join('\n')}` : 'configs are identical (besides out)');
      if (!divergence) printLine(`no divergence in the ${lastCommon} steps both runs have: same losses and decisions`);
      else {
        printLine(`first divergence at step ${divergence.step}:`);
        for (const entry of divergence.a) printLine(`  A: ${entry}`);
        for (const entry of divergence.b) printLine(`  B: ${entry}`);
      }
    });
}
