/**
 * The mode-collapse benchmark of issue #3: ring8 and grid25, several seeds, at a stated
 * step budget, for: no plugins, each stabilizing plugin alone, and the defaults.
 * Reports the final evaluation's modes covered (mean ± standard error), high-quality
 * share, reverse KL and wall time, next to PacGAN's Table 1 (Lin et al. 2018).
 *
 *   npm run build && node dist/bench/mode-collapse.js [--seeds 10] [--ring8-steps 5000] [--grid25-steps 8000] [--concurrency 2] [--results FILE]
 *
 * Each finished run is appended to the results file (JSON lines) as it completes; a
 * rerun with the same file skips the runs already there, so an interrupted benchmark
 * resumes instead of starting over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import type { RunEvent } from '../core/events/run-event';
import { datasetDefaults } from '../core/config/dataset-defaults';
import { mean, standardError } from './support/statistics';
import { runPool, runTraining } from './support/run-training';

/** Plugin lists by setting; `undefined` leaves the config's default (what `npm start` runs). */
export const pluginSettings: Record<string, unknown[] | undefined> = {
  'no plugins': [],
  'gradient-clipping (autoclip p=10)': [{ name: 'gradient-clipping', options: { discriminator: { mode: 'autoclip', percentile: 10 }, generator: { mode: 'autoclip', percentile: 10 } } }],
  'gradient-clipping (default: autoclip p=90)': ['gradient-clipping'],
  'adaptive-ratio': ['adaptive-ratio'],
  'collapse-detection': ['collapse-detection', 'checkpoint'],
  defaults: undefined,
};

const published = [
  '| PacGAN Table 1: GAN | ring8 | 10 | 6.3 ± 0.5 | 98.2 % | 0.45 | |',
  '| PacGAN Table 1: PacGAN4 | ring8 | 10 | 7.8 ± 0.1 | 95.9 % | 0.07 | |',
  '| PacGAN Table 1: GAN | grid25 | 10 | 17.3 ± 0.8 | 94.8 % | 0.70 | |',
  '| PacGAN Table 1: PacGAN4 | grid25 | 10 | 24.8 ± 0.2 | 93.6 % | 0.04 | |',
];

function finalMetrics(events: RunEvent[]): { modesCovered: number; highQualityFraction: number; reverseKL: number | null; wallSeconds: number; rollbacks: number } {
  const evaluation = events.findLast((event) => event.type === 'eval.completed');
  const finished = events.at(-1)!;
  if (!evaluation || evaluation.type !== 'eval.completed' || finished.type !== 'run.finished') throw new Error('run did not finish with an evaluation');
  const { modesCovered, highQualityFraction, reverseKL } = evaluation.metrics;
  return { modesCovered: modesCovered ?? 0, highQualityFraction: highQualityFraction ?? 0, reverseKL, wallSeconds: finished.wallTimeMs / 1000, rollbacks: events.filter((event) => event.type === 'collapse.rolledBack').length };
}

async function main() {
  const options = new Command()
    .option('--seeds <n>', 'seeds per setting', '10')
    .option('--ring8-steps <n>', 'step budget on ring8 (default: the dataset default, what npm start runs)', String(datasetDefaults.ring8!.steps))
    .option('--grid25-steps <n>', 'step budget on grid25 (default: the dataset default)', String(datasetDefaults.grid25!.steps))
    .option('--concurrency <n>', 'runs at once (one core each)', String(os.cpus().length))
    .option('--settings <list>', 'comma-separated plugin settings', Object.keys(pluginSettings).join(','))
    .option('--report-only', 'print the table from the results file without running anything')
    .option('--results <file>', 'JSON-lines file of finished runs (appended; reused to resume)', path.join(os.tmpdir(), 'ganpipe-mode-collapse-results.jsonl'))
    .parse()
    .opts();
  type Result = { setting: string; dataset: string; seed: number; steps: number } & ReturnType<typeof finalMetrics>;
  const resultsFile = options.results as string;
  const finished: Result[] = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-mode-collapse-'));
  const seeds = Array.from({ length: Number(options.seeds) }, (_, index) => index + 1);
  const budgets = { ring8: Number(options.ring8Steps), grid25: Number(options.grid25Steps) };
  const settings = (options.settings as string).split(',');
  const jobs = settings.flatMap((setting) =>
    (['ring8', 'grid25'] as const).flatMap((dataset) =>
      seeds.map((seed) => async (): Promise<Result> => {
        const done = finished.find((row) => row.setting === setting && row.dataset === dataset && row.seed === seed && row.steps === budgets[dataset]);
        if (done) return done;
        const plugins = pluginSettings[setting];
        const events = await runTraining({ dataset, seed, steps: budgets[dataset], evaluation: { every: budgets[dataset] }, ...(plugins ? { plugins } : {}) }, path.join(out, `${setting}-${dataset}-${seed}`.replace(/[^\w-]/g, '_')));
        const result: Result = { setting, dataset, seed, steps: budgets[dataset], ...finalMetrics(events) };
        fs.appendFileSync(resultsFile, JSON.stringify(result) + '\n');
        process.stderr.write('.');
        return result;
      }),
    ),
  );
  const results = options.reportOnly
    ? finished.filter((row) => settings.includes(row.setting) && seeds.includes(row.seed) && row.steps === budgets[row.dataset as 'ring8' | 'grid25'])
    : await runPool(jobs, Number(options.concurrency));
  process.stderr.write('\n');
  console.log(`Step budget: ring8 ${budgets.ring8}, grid25 ${budgets.grid25}; ${seeds.length} seeds; evaluation on 2,500 samples at the last step; ${os.cpus().length} × ${os.cpus()[0].model}.\n`);
  console.log('| setting | dataset | runs | modes covered (mean ± s.e.) | high quality | reverse KL | wall time / run | rollbacks |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const setting of settings) {
    for (const dataset of ['ring8', 'grid25']) {
      const rows = results.filter((row) => row.setting === setting && row.dataset === dataset);
      if (rows.length === 0) {
        console.log(`| ${setting} | ${dataset} | 0 | not run | | | | |`);
        continue;
      }
      const modes = rows.map((row) => row.modesCovered);
      const reverseKL = rows.map((row) => row.reverseKL).filter((value): value is number => typeof value === 'number');
      console.log(
        `| ${setting} | ${dataset} | ${rows.length} | ${mean(modes).toFixed(1)} ± ${standardError(modes).toFixed(1)} | ${(100 * mean(rows.map((row) => row.highQualityFraction))).toFixed(1)} % | ` +
          `${reverseKL.length ? mean(reverseKL).toFixed(3) : 'n/a'}${reverseKL.length < rows.length ? ` (${reverseKL.length} runs with any high-quality sample)` : ''} | ${mean(rows.map((row) => row.wallSeconds)).toFixed(0)} s | ${rows.reduce((sum, row) => sum + row.rollbacks, 0)} |`,
      );
    }
  }
  published.forEach((line) => console.log(line));
  if (!options.reportOnly) fs.rmSync(out, { recursive: true, force: true });
}

void main();
