/**
 * ms per training step of the ring8 MLP GAN (2 hidden layers of 128, Adam, one D and
 * one G update, losses read back every step) at batch 64, 256 and 1024: plain
 * tfjs-layers against ganpipe's model, on each backend that loads, medians of several
 * repetitions; and, where Debian's python3-torch is installed, PyTorch (one thread) on
 * the same machine in the same run, with the ratio. It prints which BLAS PyTorch ran on
 * (BLAS_INFO and a timed 256×128·128×128 matmul) and computes no ratio against
 * reference BLAS unless --allow-reference-blas says so. `.ci/run` needs no PyTorch.
 *
 *   npm run build && node dist/bench/step-time.js [--steps 40] [--repetitions 5] [--allow-reference-blas]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { GanModel } from '../core/model/gan-model';
import { usePlainMatMulGradient, useStockMatMulGradient } from '../core/model/plain-matmul-gradient';
import { SeededRandom } from '../core/util/seeded-random';
import { median } from './support/statistics';
import { describeTorchBlas, isOptimisedBlas, ONE_THREAD, type TorchBlas } from './support/torch-reference';

const BATCHES = [64, 256, 1024];
const identity = <T>(value: T) => value;

type StepFunction = () => Promise<void>;

function ganpipeStep(batch: number): { step: StepFunction; dispose(): void } {
  // The plain GAN step the other implementations run: no R1 penalty (ring8's default has one).
  const config = trainConfigSchema.parse({ batchSize: batch, plugins: [], discriminator: { r1Penalty: 0 } });
  const dataset = createDataset({ dataset: 'ring8', seed: 1 });
  const random = new SeededRandom(1);
  const model = new GanModel(config, dataset, random);
  return {
    async step() {
      const packed = [model.discriminatorUpdate(dataset.sample(batch, random), random.nextSeed(), identity), model.generatorUpdate(batch, random.nextSeed(), identity)];
      const scalars = tf.concat(packed);
      await scalars.data();
      tf.dispose([scalars, ...packed]);
    },
    dispose: () => model.dispose(),
  };
}

/** The same GAN written the way tfjs-examples do: tf.layers models, optimizer.minimize. */
function plainLayersStep(batch: number): { step: StepFunction; dispose(): void } {
  const generator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 128, activation: 'relu' }), tfl.layers.dense({ units: 128, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
  const discriminator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 128 }), tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.dense({ units: 128 }), tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.dense({ units: 1 })] });
  const dOptimizer = tf.train.adam(1e-3, 0.5, 0.999);
  const gOptimizer = tf.train.adam(1e-3, 0.5, 0.999);
  const dVariables = discriminator.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const gVariables = generator.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const dataset = createDataset({ dataset: 'ring8', seed: 1 });
  const random = new SeededRandom(1);
  return {
    async step() {
      const real = tf.tensor2d(dataset.sample(batch, random), [batch, 2]);
      const dLoss = dOptimizer.minimize(() => {
        const fake = generator.apply(tf.randomNormal([batch, 2])) as tf.Tensor;
        return tf.add(tf.mean(tf.softplus(tf.neg(discriminator.apply(real) as tf.Tensor))), tf.mean(tf.softplus(discriminator.apply(fake) as tf.Tensor))) as tf.Scalar;
      }, true, dVariables)!;
      const gLoss = gOptimizer.minimize(() => tf.mean(tf.softplus(tf.neg(discriminator.apply(generator.apply(tf.randomNormal([batch, 2])) as tf.Tensor) as tf.Tensor))) as tf.Scalar, true, gVariables)!;
      const both = tf.stack([dLoss, gLoss]);
      await both.data();
      tf.dispose([real, dLoss, gLoss, both]);
    },
    dispose() {
      generator.dispose();
      discriminator.dispose();
      dOptimizer.dispose();
      gOptimizer.dispose();
    },
  };
}

async function msPerStep(make: (batch: number) => { step: StepFunction; dispose(): void }, batch: number, steps: number, repetitions: number): Promise<number> {
  const subject = make(batch);
  for (let warmUp = 0; warmUp < 5; warmUp++) await subject.step();
  const timings: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const startedAt = performance.now();
    for (let step = 0; step < steps; step++) await subject.step();
    timings.push((performance.now() - startedAt) / steps);
  }
  subject.dispose();
  return median(timings);
}

function torchTimes(steps: number, repetitions: number): (TorchBlas & { ms: Record<string, number> }) | string {
  const result = spawnSync('/usr/bin/python3', [path.join(__dirname, '../../bench/step_time_torch.py'), BATCHES.join(','), String(steps), String(repetitions)], { encoding: 'utf8', env: { ...process.env, ...ONE_THREAD } });
  if (result.error || result.status !== 0) return `skipped: PyTorch unavailable (${(result.error?.message ?? result.stderr.trim().split('\n').at(-1) ?? '').slice(0, 120)}); apt-get install -y python3-torch libopenblas0-pthread`;
  return JSON.parse(result.stdout);
}

async function main() {
  const options = new Command()
    .option('--steps <n>', 'steps per repetition on wasm (cpu: a fifth)', '40')
    .option('--repetitions <n>', 'repetitions', '5')
    .option('--allow-reference-blas', 'compute ratios even when PyTorch runs on reference BLAS (slow: an unfair reference)')
    .parse()
    .opts();
  const steps = Number(options.steps);
  const repetitions = Number(options.repetitions);
  const torch = torchTimes(steps, repetitions);
  // A ratio against reference BLAS flatters ganpipe tenfold: only when asked for.
  const showRatio = typeof torch !== 'string' && (isOptimisedBlas(torch) || Boolean(options.allowReferenceBlas));
  console.log('| backend | batch | plain tfjs-layers (ms/step) | ganpipe (ms/step) | speed-up | PyTorch 1 thread (ms/step) | ganpipe ÷ PyTorch |');
  console.log('|---|---|---|---|---|---|---|');
  for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      await selectBackend(backend);
    } catch (error) {
      console.log(`| ${backend} | | skipped: ${(error as Error).message} | | | | |`);
      continue;
    }
    const backendSteps = backend === 'cpu' ? Math.max(2, Math.round(steps / 10)) : steps;
    const backendRepetitions = backend === 'cpu' ? 3 : repetitions;
    for (const batch of BATCHES) {
      if (backend === 'cpu' && batch === 1024) {
        console.log(`| cpu | 1024 | not run (over 1 s a step) | | | | |`);
        continue;
      }
      // The baseline gets tfjs's stock gradients; ganpipe's the plain BatchMatMul one.
      useStockMatMulGradient();
      const plain = await msPerStep(plainLayersStep, batch, backendSteps, backendRepetitions);
      usePlainMatMulGradient();
      const ours = await msPerStep(ganpipeStep, batch, backendSteps, backendRepetitions);
      const torchMs = typeof torch === 'string' ? undefined : torch.ms[String(batch)];
      console.log(`| ${backend} | ${batch} | ${plain.toFixed(2)} | ${ours.toFixed(2)} | ${(plain / ours).toFixed(2)}× | ${torchMs?.toFixed(2) ?? '—'} | ${torchMs ? (showRatio ? (ours / torchMs).toFixed(2) + '×' : 'not computed: reference BLAS (--allow-reference-blas)') : '—'} |`);
    }
  }
  console.log(typeof torch === 'string' ? `PyTorch: ${torch}` : `${describeTorchBlas(torch)} Same run.`);
}

void main();
