/**
 * ms per training step of ganpipe's default spatiotemporal models, against the same
 * models in PyTorch (one thread, bench/spatiotemporal_step_time_torch.py) on the same
 * machine in the same run: the field model of blobs (batch 32) and the sequence model of
 * TimeGAN's sines (batch 128), each with one D and one G update and the losses read
 * back. Medians of several repetitions; the two sides alternate so that a change in the
 * machine's load falls on both. Prints which BLAS PyTorch runs on and the time of a
 * 256×128·128×128 matmul (about 0.2 ms with OpenBLAS, 4 ms with reference BLAS), and
 * computes no ratio against reference BLAS unless --allow-reference-blas says so.
 *
 *   npm run build && node dist/bench/spatiotemporal-step-time.js [--steps 30] [--repetitions 5] [--rounds 2]
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { GanModel } from '../core/model/gan-model';
import { SeededRandom } from '../core/util/seeded-random';
import { median } from './support/statistics';
import { describeTorchBlas, isOptimisedBlas, ONE_THREAD, type TorchBlas } from './support/torch-reference';

const MODELS = { field: 'blobs', sequence: 'timegan-sines' } as const;
type ModelKind = keyof typeof MODELS;
const identity = <T>(value: T) => value;

/** Median ms per step of the dataset's default model (no plugins), after a warm-up. */
async function ganpipeMsPerStep(dataset: (typeof MODELS)[ModelKind], steps: number, repetitions: number): Promise<{ ms: number; model: string; batch: number }> {
  const config = trainConfigSchema.parse({ dataset, plugins: [] });
  const data = createDataset(config);
  const random = new SeededRandom(1);
  const model = new GanModel(config, data, random);
  if (model.modelName !== (dataset === MODELS.field ? 'advection' : 'mlp')) throw new Error(`${dataset}'s default model is ${model.modelName}: spatiotemporal_step_time_torch.py has no copy of it`);
  const step = async () => {
    const packed = [model.discriminatorUpdate(data.sample(config.batchSize, random), random.nextSeed(), identity), model.generatorUpdate(config.batchSize, random.nextSeed(), identity)];
    const scalars = tf.concat(packed);
    await scalars.data();
    tf.dispose([scalars, ...packed]);
  };
  for (let warmUp = 0; warmUp < 5; warmUp++) await step();
  const timings: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const startedAt = performance.now();
    for (let index = 0; index < steps; index++) await step();
    timings.push((performance.now() - startedAt) / steps);
  }
  model.dispose();
  return { ms: median(timings), model: model.modelName, batch: config.batchSize };
}

interface TorchResult extends TorchBlas {
  ms: Record<ModelKind, number>;
}

/** The default models' settings, resolved from ganpipe's dataset defaults, for the PyTorch side. */
function modelSettings(): object {
  const field = trainConfigSchema.parse({ dataset: MODELS.field });
  const sequence = trainConfigSchema.parse({ dataset: MODELS.sequence });
  const [fieldData, sequenceData] = [createDataset(field), createDataset(sequence)];
  if (!sequence.generator.timeBasis) throw new Error(`${MODELS.sequence}'s default model no longer writes cosine weights: update spatiotemporal_step_time_torch.py`);
  return {
    field: {
      shape: fieldData.sampleShape,
      latentDim: field.latentDim,
      hidden: field.generator.hiddenLayers,
      batch: field.batchSize,
      discriminator: field.conv3d.discriminator,
      channels: field.conv3d.discriminatorChannels,
      firstKernel: field.conv3d.discriminatorFirstKernelSize,
      r1Penalty: field.discriminator.r1Penalty,
      r1Every: field.discriminator.r1Every,
    },
    sequence: {
      shape: sequenceData.sampleShape,
      latentDim: sequence.latentDim,
      hidden: sequence.generator.hiddenLayers,
      discriminatorHidden: sequence.discriminator.hiddenLayers,
      basisSize: sequence.generator.timeBasis.size,
      batch: sequence.batchSize,
      r1Penalty: sequence.discriminator.r1Penalty,
      r1Every: sequence.discriminator.r1Every,
    },
  };
}

function torchMsPerStep(steps: number, repetitions: number): TorchResult | string {
  const result = spawnSync('/usr/bin/python3', [path.join(__dirname, '../../bench/spatiotemporal_step_time_torch.py'), String(steps), String(repetitions), JSON.stringify(modelSettings())], { encoding: 'utf8', env: { ...process.env, ...ONE_THREAD } });
  if (result.error || result.status !== 0) return `PyTorch unavailable (${(result.error?.message ?? result.stderr.trim().split('\n').at(-1) ?? '').slice(0, 160)}); apt-get install -y python3-torch libopenblas0-pthread`;
  return JSON.parse(result.stdout) as TorchResult;
}

async function main() {
  const options = new Command()
    .option('--steps <n>', 'steps per repetition', '30')
    .option('--repetitions <n>', 'repetitions per round', '5')
    .option('--rounds <n>', 'alternating rounds of ganpipe and PyTorch', '2')
    .option('--allow-reference-blas', 'compute ratios even when PyTorch runs on reference BLAS (slow: an unfair reference)')
    .parse()
    .opts();
  const [steps, repetitions, rounds] = [Number(options.steps), Number(options.repetitions), Number(options.rounds)];
  const backend = await selectBackend('wasm');
  const ours: Record<ModelKind, number[]> = { field: [], sequence: [] };
  const theirs: Record<ModelKind, number[]> = { field: [], sequence: [] };
  const described: Partial<Record<ModelKind, string>> = {};
  let torch: TorchResult | string | undefined;
  for (let round = 0; round < rounds; round++) {
    for (const kind of Object.keys(MODELS) as ModelKind[]) {
      const measured = await ganpipeMsPerStep(MODELS[kind], steps, repetitions);
      ours[kind].push(measured.ms);
      described[kind] = `${MODELS[kind]} default (${measured.model}, batch ${measured.batch})`;
    }
    torch = torchMsPerStep(steps, repetitions);
    if (typeof torch === 'string') break;
    for (const kind of Object.keys(MODELS) as ModelKind[]) theirs[kind].push(torch.ms[kind]);
  }
  console.log(`${os.cpus().length} × ${os.cpus()[0].model}; load average after the run ${os.loadavg().map((load) => load.toFixed(2)).join(', ')}; ganpipe on ${backend.name}; ${rounds} rounds × ${repetitions} repetitions × ${steps} steps, medians.`);
  const usable = typeof torch !== 'string' && torch !== undefined;
  const fairReference = usable && isOptimisedBlas(torch as TorchResult);
  if (usable) {
    console.log(describeTorchBlas(torch as TorchResult));
  } else {
    console.log(`PyTorch: ${torch}`);
  }
  const showRatio = fairReference || Boolean(options.allowReferenceBlas);
  console.log('\n| model | ganpipe (ms/step) | PyTorch (ms/step) | ganpipe ÷ PyTorch |');
  console.log('|---|---|---|---|');
  for (const kind of Object.keys(MODELS) as ModelKind[]) {
    const [mine, reference] = [median(ours[kind]), theirs[kind].length ? median(theirs[kind]) : undefined];
    const ratio = reference === undefined ? '—' : showRatio ? `${(mine / reference).toFixed(2)}×` : 'not computed: PyTorch is on reference BLAS (--allow-reference-blas)';
    console.log(`| ${described[kind]} | ${mine.toFixed(2)} | ${reference?.toFixed(2) ?? '—'} | ${ratio} |`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
