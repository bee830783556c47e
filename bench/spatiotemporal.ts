/**
 * The spatiotemporal benchmark (issues #6, #14): sines, TimeGAN's sines, blobs and
 * seattle-weather, no plugins against the defaults (and, on sequences, the
 * temporal-convolution model without plugins), several seeds, at each dataset's
 * default step budget unless --steps says otherwise. Reports the final evaluation's
 * MMD², ACF distance, discriminative score (ours: an MLP classifier), for sequences
 * TimeGAN's discriminative and predictive scores under its own protocol (GRUs trained
 * post hoc on the final generator), for blobs the velocity modes covered and the
 * high-quality share; steps/s, wall time; and the published figures on TimeGAN's sines.
 * Each run is a child process (bench/support/spatiotemporal-run.ts), one core each.
 *
 *   npm run build && node dist/bench/spatiotemporal.js [--seeds 3] [--steps blobs=3000,sines=6000]
 *     [--datasets sines,timegan-sines,blobs,seattle-weather] [--settings "no plugins,defaults"]
 *     [--concurrency 2] [--results FILE] [--report-only]
 *
 * Each finished run is appended to the results file (JSON lines) as it completes; a rerun
 * with the same file skips the runs already there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { timeganDiscriminativeScore } from '../core/metrics/timegan-discriminative-score';
import { timeganPredictiveScore } from '../core/metrics/timegan-predictive-score';
import { SeededRandom } from '../core/util/seeded-random';
import { mean, standardError } from './support/statistics';
import { runPool } from './support/run-training';

const datasets = ['sines', 'timegan-sines', 'blobs', 'seattle-weather'] as const;
type DatasetName = (typeof datasets)[number];

/**
 * What each setting changes in the dataset's default config ({}: what `ganpipe train
 * --dataset NAME` runs), and the datasets it applies to. The temporal-convolution rows
 * compare the sequence model that is not the default with the one that is.
 */
const settings: Record<string, { config: object; datasets: readonly DatasetName[] }> = {
  'no plugins': { config: { plugins: [] }, datasets },
  defaults: { config: {}, datasets },
  'temporal-conv, no plugins': { config: { plugins: [], model: 'temporal-conv' }, datasets: ['sines', 'timegan-sines', 'seattle-weather'] },
};

/** Published figures on TimeGAN's sines (its released generator: our `timegan-sines`). */
const publishedTimeganSines = [
  '| published: TimeGAN (Yoon et al. 2019, Table 2) | timegan-sines | | | | | 0.011 ± 0.008 | 0.093 ± 0.019 | | | | | |',
  '| published: original data (TimeGAN, Table 2) | timegan-sines | | | | | | 0.094 ± 0.001 | | | | | |',
  '| published: COT-GAN (as tabulated by Diffusion-TS) | timegan-sines | | | | | 0.254 ± 0.137 | | | | | | |',
  '| published: Diffusion-TS (Yuan & Qiao 2024) | timegan-sines | | | | | 0.006 ± 0.007 | | | | | | |',
];

interface RunResult {
  setting: string;
  dataset: DatasetName;
  seed: number;
  steps: number;
  mmd: number | null;
  acfDistance: number | null;
  discriminativeScore: number | null;
  timeganDiscriminativeScore: number | null;
  timeganPredictiveScore?: number | null;
  modesCovered: number | null;
  highQualityFraction?: number | null;
  stepsPerSecond?: number;
  wallSeconds: number;
  stoppedEarly: boolean;
  rollbacks: number;
}

const workerPath = path.resolve(__dirname, 'support/spatiotemporal-run.js');

/** Trains one run in a child process and reads the JSON line it prints. */
function runWorker(config: object, outDir: string): Promise<Omit<RunResult, 'setting' | 'dataset' | 'seed' | 'steps'>> {
  fs.mkdirSync(outDir, { recursive: true });
  const configPath = path.join(outDir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify({ ...config, out: outDir }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [workerPath, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`benchmark run exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      const reported = JSON.parse(stdout.trim().split('\n').at(-1)!);
      const { mmd = null, acfDistance = null, discriminativeScore = null, modesCovered = null, highQualityFraction = null } = reported.metrics;
      resolve({
        mmd,
        acfDistance,
        discriminativeScore,
        modesCovered,
        highQualityFraction,
        timeganDiscriminativeScore: reported.timeganDiscriminativeScore,
        timeganPredictiveScore: reported.timeganPredictiveScore,
        stepsPerSecond: reported.stepsPerSecond,
        wallSeconds: reported.wallSeconds,
        stoppedEarly: reported.finishedReason !== 'completed',
        rollbacks: reported.rollbacks,
      });
    });
  });
}

function summary(values: (number | null)[], digits: number): string {
  const present = values.filter((value): value is number => typeof value === 'number');
  if (present.length === 0) return 'n/a';
  const missing = values.length - present.length;
  return `${mean(present).toFixed(digits)} ± ${standardError(present).toFixed(digits)}${missing ? ` (${missing} null)` : ''}`;
}

/**
 * Both TimeGAN scores of the real data against itself (two draws from the 10,000
 * sequences, as many as the runs are scored on): the floor a generator is measured from,
 * measured here with the same code, beside TimeGAN's published "original data" row.
 */
async function realDataRow(): Promise<string> {
  await selectBackend('wasm');
  const dataset = createDataset({ dataset: 'timegan-sines', seed: 1 });
  const [length, features] = dataset.sampleShape;
  const draw = (count: number, seed: number) => dataset.evaluationSample(count, new SeededRandom(seed));
  const { score: discriminative } = await timeganDiscriminativeScore(draw(2000, 1), draw(2000, 2), length, features, { seed: 1 });
  const predictive = await timeganPredictiveScore(draw(10_000, 3), draw(10_000, 4), length, features, { seed: 1 });
  return `| measured: real data against a second draw (seed 1) | timegan-sines | 1 | | | | ${discriminative.toFixed(3)} | ${predictive.toFixed(3)} | | | | | |`;
}

async function main() {
  const options = new Command()
    .option('--seeds <n>', 'seeds per setting', '3')
    .option('--steps <list>', 'step budgets as dataset=N,… (default: each dataset\'s default budget)', '')
    .option('--datasets <list>', 'comma-separated datasets', datasets.join(','))
    .option('--settings <list>', `comma-separated settings, of: ${Object.keys(settings).join('; ')}`, 'no plugins,defaults')
    .option('--concurrency <n>', 'runs at once (one core each)', String(os.cpus().length))
    .option('--report-only', 'print the table from the results file without running anything')
    .option('--results <file>', 'JSON-lines file of finished runs (appended; reused to resume)', path.join(os.tmpdir(), 'ganpipe-spatiotemporal-results.jsonl'))
    .parse()
    .opts();
  const resultsFile = options.results as string;
  const finished: RunResult[] = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-spatiotemporal-'));
  const seeds = Array.from({ length: Number(options.seeds) }, (_, index) => index + 1);
  const budgets = Object.fromEntries(datasets.map((dataset) => [dataset, trainConfigSchema.parse({ dataset }).steps])) as Record<DatasetName, number>;
  for (const entry of (options.steps as string).split(',').filter(Boolean)) {
    const [dataset, steps] = entry.split('=');
    if (!datasets.includes(dataset as DatasetName) || !(Number(steps) > 0)) throw new Error(`--steps: "${entry}" is not dataset=N with a dataset of ${datasets.join(', ')}`);
    budgets[dataset as DatasetName] = Number(steps);
  }
  const chosen = (options.datasets as string).split(',') as DatasetName[];
  const chosenSettings = (options.settings as string).split(',');
  for (const setting of chosenSettings) if (!settings[setting]) throw new Error(`--settings: unknown setting "${setting}" (known: ${Object.keys(settings).join('; ')})`);
  const jobs = chosenSettings.flatMap((setting) =>
    chosen.filter((dataset) => settings[setting].datasets.includes(dataset)).flatMap((dataset) =>
      seeds.map((seed) => async (): Promise<RunResult> => {
        const done = finished.find((row) => row.setting === setting && row.dataset === dataset && row.seed === seed && row.steps === budgets[dataset]);
        if (done) return done;
        const config = { dataset, seed, steps: budgets[dataset], ...settings[setting].config };
        const result: RunResult = { setting, dataset, seed, steps: budgets[dataset], ...(await runWorker(config, path.join(out, `${setting}-${dataset}-${seed}`.replace(/[^\w-]/g, '_')))) };
        fs.appendFileSync(resultsFile, JSON.stringify(result) + '\n');
        process.stderr.write('.');
        return result;
      }),
    ),
  );
  const results = options.reportOnly
    ? finished.filter((row) => chosen.includes(row.dataset) && seeds.includes(row.seed) && row.steps === budgets[row.dataset])
    : await runPool(jobs, Number(options.concurrency));
  process.stderr.write('\n');
  console.log(`Step budgets: ${chosen.map((dataset) => `${dataset} ${budgets[dataset]}`).join(', ')}; ${seeds.length} seeds; metrics of the final evaluation (dataset defaults: sequences 1,000 samples, blobs 400); ${os.cpus().length} × ${os.cpus()[0].model}.\n`);
  console.log('| setting | dataset | runs | MMD² | ACF distance | discriminative score (ours: MLP) | discriminative score (TimeGAN protocol) | predictive score (TimeGAN protocol) | blobs modes covered (of 8) | blobs high quality | rollbacks | steps/s | training wall time / run |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const dataset of chosen) {
    for (const setting of chosenSettings.filter((name) => settings[name].datasets.includes(dataset))) {
      const rows = results.filter((row) => row.setting === setting && row.dataset === dataset);
      if (rows.length === 0) {
        console.log(`| ${setting} | ${dataset} | 0 | not run | | | | | | | | | |`);
        continue;
      }
      const stopped = rows.filter((row) => row.stoppedEarly).length;
      const field = dataset === 'blobs';
      console.log(
        `| ${setting} | ${dataset} | ${rows.length}${stopped ? ` (${stopped} stopped early)` : ''} | ${summary(rows.map((row) => row.mmd), 4)} | ${summary(rows.map((row) => row.acfDistance), 3)} | ` +
          `${summary(rows.map((row) => row.discriminativeScore), 3)} | ${field ? 'n/a (fields)' : summary(rows.map((row) => row.timeganDiscriminativeScore), 3)} | ${field ? 'n/a (fields)' : summary(rows.map((row) => row.timeganPredictiveScore ?? null), 3)} | ` +
          `${field ? summary(rows.map((row) => row.modesCovered), 1) : ''} | ${field ? summary(rows.map((row) => row.highQualityFraction ?? null), 3) : ''} | ${rows.reduce((sum, row) => sum + row.rollbacks, 0)} | ` +
          `${summary(rows.map((row) => row.stepsPerSecond ?? null), 1)} | ${mean(rows.map((row) => row.wallSeconds)).toFixed(0)} s |`,
      );
    }
  }
  if (chosen.includes('timegan-sines')) {
    publishedTimeganSines.forEach((line) => console.log(line));
    if (!options.reportOnly) console.log(await realDataRow());
  }
  if (!options.reportOnly) fs.rmSync(out, { recursive: true, force: true });
}

void main();
