/**
 * One blobs training run without plugins, printing at each check what the generated
 * blobs get right and wrong: velocity modes covered and high-quality share (as the
 * evaluation counts them, core/data/blobs.ts), and the medians of each frame's mass and
 * spread (÷ a real blob's), of the speed (px per frame; real 1) and of the track's
 * residual, with the histogram of nearest modes, all and high-quality. The exploratory
 * runs behind blobs' defaults (BENCHMARKS.md) were made with it.
 *
 *   npm run build && node dist/bench/blobs-diagnostics.js '{"steps": 3000, ...config}' [--every 250]
 */
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { trackBlob } from '../core/data/blob-track';
import { blobs } from '../core/data/blobs';
import { GanModel } from '../core/model/gan-model';
import { SeededRandom } from '../core/util/seeded-random';
import { median } from './support/statistics';

const CHECKED_SAMPLES = 400;

async function main() {
  const options = new Command().argument('[config]', 'config overrides as JSON', '{}').option('--every <n>', 'steps between checks', '250').parse();
  const config = trainConfigSchema.parse({ dataset: 'blobs', plugins: [], ...JSON.parse(options.args[0] ?? '{}') });
  const every = Number(options.opts().every);
  await selectBackend(config.backend === 'auto' ? 'wasm' : config.backend);
  const dataset = blobs();
  const [frames, height, width] = dataset.sampleShape;
  // A whole blob's mass and spread (blobs.ts): 2πσ² and 2σ².
  const blobMass = 2 * Math.PI * dataset.blobStd ** 2;
  const blobSpread = 2 * dataset.blobStd ** 2;
  const random = new SeededRandom(config.seed);
  const model = new GanModel(config, dataset, random);
  const startedAt = performance.now();
  for (let step = 1; step <= config.steps; step++) {
    model.decayLearningRates(step);
    const packed = [model.discriminatorUpdate(dataset.sample(config.batchSize, random), random.nextSeed(), (gradients) => gradients), model.generatorUpdate(config.batchSize, random.nextSeed(), (gradients) => gradients)];
    const scalars = tf.concat(packed);
    const [discriminatorLoss, , , , accuracy, generatorLoss] = await scalars.data();
    tf.dispose([scalars, ...packed]);
    if (step % every !== 0 && step !== config.steps) continue;
    const generated = await model.generate(CHECKED_SAMPLES, 12345 + step);
    const { nearest, highQuality } = dataset.assignModes(generated, CHECKED_SAMPLES);
    const tracks = Array.from({ length: CHECKED_SAMPLES }, (_, sample) => trackBlob(generated, sample * frames * height * width, { frames, height, width }, 1e-6 * blobMass)).filter((track) => track !== undefined);
    const histogram = (keep: (sample: number) => boolean) => Array.from({ length: dataset.modeCount }, (_, mode) => [...nearest].filter((nearestMode, sample) => nearestMode === mode && keep(sample)).length);
    const highQualityHistogram = histogram((sample) => highQuality[sample] === 1);
    console.log(
      `step ${step} ${((performance.now() - startedAt) / 1000).toFixed(0)} s | D loss ${discriminatorLoss.toFixed(3)} accuracy ${accuracy.toFixed(2)} G loss ${generatorLoss.toFixed(3)} | ` +
        `modes ${highQualityHistogram.filter((count) => count > 0).length} high quality ${((100 * highQuality.reduce((sum, flag) => sum + flag, 0)) / CHECKED_SAMPLES).toFixed(1)} % | ` +
        `mass ${median(tracks.map((track) => median([...track.frameMasses]) / blobMass)).toFixed(2)} spread ${median(tracks.map((track) => median([...track.frameSpreads]) / blobSpread)).toFixed(2)} ` +
        `speed ${median(tracks.map((track) => Math.hypot(...track.velocity))).toFixed(2)} residual ${median(tracks.map((track) => track.trackResidual)).toFixed(2)} px | ` +
        `nearest modes ${JSON.stringify(histogram(() => true))} high-quality ${JSON.stringify(highQualityHistogram)}`,
    );
  }
  model.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
