/**
 * Steps/s of the default run on each backend that loads, and what the event log and
 * stream cost: the full Trainer (log on disk, events$ with a subscriber, state fold)
 * against the same model and loop with no events at all. Runs alternate A/B (and
 * which goes first alternates too) so the noise of a shared machine falls on both; the
 * figures are medians. The cost is measured on process CPU time (user + system),
 * which time stolen by other processes does not inflate; wall-clock rates are shown too.
 *
 *   npm run build && node dist/bench/training-throughput.js [--steps N] [--repetitions R] [--backends wasm,cpu]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema, type BackendChoice, type TrainConfig } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { GanModel } from '../core/model/gan-model';
import { Trainer } from '../core/trainer/trainer';
import { SeededRandom } from '../core/util/seeded-random';
import { median } from './support/statistics';

const identity = <T>(value: T) => value;

/** The trainer's loop with nothing recorded: same updates, same single read-back per step. */
interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

async function timed(run: () => Promise<void>): Promise<Timing> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds: (performance.now() - wallStart) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function bareLoop(config: TrainConfig): Promise<void> {
  const dataset = createDataset(config.dataset);
  const random = new SeededRandom(config.seed);
  const model = new GanModel(config, dataset, random);
  let lastYieldAt = performance.now();
  for (let step = 1; step <= config.steps; step++) {
    if (performance.now() - lastYieldAt >= 10) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYieldAt = performance.now();
    }
    const packed = [
      model.discriminatorUpdate(dataset.sample(config.batchSize, random), random.nextSeed(), identity),
      model.generatorUpdate(config.batchSize, random.nextSeed(), identity),
    ];
    const scalars = tf.concat(packed);
    await scalars.data();
    scalars.dispose();
    packed.forEach((tensor) => tensor.dispose());
  }
  model.dispose();
}

async function trainerRun(config: TrainConfig, backend: string): Promise<void> {
  const trainer = new Trainer({ config, backend });
  let received = 0;
  trainer.events$.subscribe(() => received++);
  const state = await trainer.run();
  if (received !== state.eventCount) throw new Error('subscriber missed events');
}

async function main() {
  const options = new Command()
    .option('--steps <n>', 'steps per measured run on wasm (cpu gets a fifth)', '400')
    .option('--repetitions <n>', 'A/B pairs per backend', '6')
    .option('--backends <list>', 'comma-separated backends to try', 'tensorflow-gpu,tensorflow,wasm,cpu')
    .parse()
    .opts();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-bench-'));
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}`);
  for (const choice of options.backends.split(',') as BackendChoice[]) {
    let backend: string;
    try {
      backend = (await selectBackend(choice)).name;
    } catch (error) {
      console.log(`${choice}: skipped (${(error as Error).message})`);
      continue;
    }
    const steps = choice === 'cpu' ? Math.max(20, Math.round(Number(options.steps) / 5)) : Number(options.steps);
    // The default run's model; the run's one evaluation (at its end) made negligible,
    // since the bare loop has none.
    const config = trainConfigSchema.parse({ steps, out, evaluation: { every: 1e8, samples: 1 } });
    await bareLoop({ ...config, steps: 20 }); // warm-up: kernels compiled, memory sized
    const bare: Timing[] = [];
    const full: Timing[] = [];
    for (let repetition = 0; repetition < Number(options.repetitions); repetition++) {
      const measureBare = async () => void bare.push(await timed(() => bareLoop(config)));
      const measureFull = async () => void full.push(await timed(() => trainerRun(config, backend)));
      if (repetition % 2 === 0) await measureBare().then(measureFull);
      else await measureFull().then(measureBare);
    }
    const rate = (timings: Timing[], key: keyof Timing) => steps / median(timings.map((timing) => timing[key]));
    const pairCost = (key: keyof Timing) => median(bare.map((timing, index) => full[index][key] / timing[key] - 1));
    console.log(
      `${choice} (${backend}), ${steps} steps × ${bare.length} pairs: ` +
        `${rate(full, 'wallSeconds').toFixed(1)} steps/s with log and stream, ${rate(bare, 'wallSeconds').toFixed(1)} bare (wall clock); ` +
        `cost of log and stream ${(100 * pairCost('cpuSeconds')).toFixed(2)} % of CPU time (wall clock: ${(100 * pairCost('wallSeconds')).toFixed(2)} %), median over pairs`,
    );
  }
  fs.rmSync(out, { recursive: true, force: true });
}

void main();
