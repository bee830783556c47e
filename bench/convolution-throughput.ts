/**
 * Throughput of the convolutions the field models train with, forward and both
 * gradients, in GMAC/s (the convolution's multiply-adds × 3 — value, input gradient,
 * kernel gradient — over wall time, data movement included): ganpipe's conv3dSame
 * (Conv2Ds on XNNPACK, core/model/conv3d-same.ts) against the path it replaced (wasm's
 * Conv3D for the value and the input gradient, Conv3DBackpropFilterV2 for the kernel's),
 * alternating in one run, medians of several repetitions; and the 2-D convolutions of
 * the frames-as-channels D, whose gradient only ganpipe's Conv2D gradient can take on wasm.
 *
 *   npm run build && node dist/bench/convolution-throughput.js [--repetitions 5] [--backend wasm]
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { conv3dSame } from '../core/model/conv3d-same';
import { median } from './support/statistics';

type Convolution = (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.Tensor5D;

/** The previous conv3dSame: native Conv3D forward, the flipped-kernel Conv3D for dx, Conv3DBackpropFilterV2 at stride 1 for dK. */
const previousPath = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, save] = args as [tf.Tensor5D, tf.Tensor5D, tf.GradSaveFunc];
  save([x, kernel]);
  return {
    value: tf.conv3d(x, kernel, 1, 'same'),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [savedX, savedKernel]: tf.Tensor[]) => {
      const flipped = tf.transpose(tf.reverse(savedKernel, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
      const dx = tf.conv3d(dy as tf.Tensor5D, flipped, 1, 'same');
      const dKernel = tf.engine().runKernel('Conv3DBackpropFilterV2', { x: savedX, dy: dy as tf.Tensor }, { strides: [1, 1, 1], pad: 'same', filterShape: savedKernel.shape }) as tf.Tensor;
      return [dx, dKernel];
    },
  };
}) as Convolution;

interface Layer {
  name: string;
  input: [number, number, number, number, number];
  outChannels: number;
}

/**
 * The 3-D convolutions of blobs' field D at the dataset's default batch (its input after
 * the 2×2 space-to-depth: 4 channels on 8×8×8), the conv3d generator's, and issue #14's
 * reference layer.
 */
function fieldLayers(): Layer[] {
  const config = trainConfigSchema.parse({ dataset: 'blobs' });
  const [c0, c1] = config.conv3d.discriminatorChannels;
  const both = 2 * config.batchSize; // D sees the real and the generated batch in one pass
  return [
    { name: `D conv0 (4→${c0}, 8×8×8, batch ${both})`, input: [both, 8, 8, 8, 4], outChannels: c0 },
    { name: `D conv1 (${c0}→${c1}, 4×4×4, batch ${both})`, input: [both, 4, 4, 4, c0], outChannels: c1 },
    { name: `conv3d model's G conv0 (${config.conv3d.generatorChannels}→1, 8×8×8, batch ${config.batchSize})`, input: [config.batchSize, 8, 8, 8, config.conv3d.generatorChannels], outChannels: 1 },
    { name: 'reference layer (8→16, 8×16×16, batch 32)', input: [32, 8, 16, 16, 8], outChannels: 16 },
  ];
}

async function timeOnce(convolution: Convolution, x: tf.Tensor5D, kernel: tf.Tensor5D): Promise<number> {
  const start = performance.now();
  const outputs = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(convolution(input as tf.Tensor5D, filter as tf.Tensor5D)) as tf.Scalar)([x, kernel]);
    return [value, ...grads];
  });
  await Promise.all(outputs.map((tensor) => tensor.data()));
  tf.dispose(outputs);
  return (performance.now() - start) / 1000;
}

interface Layer2d {
  name: string;
  input: [number, number, number, number];
  kernelSize: number;
  outChannels: number;
}

/** The 2-D convolutions of blobs' default D (frames as channels) at the dataset's default batch. */
function framesAsChannelsLayers(): Layer2d[] {
  const config = trainConfigSchema.parse({ dataset: 'blobs' });
  const [c0, c1] = config.conv3d.discriminatorChannels;
  const both = 2 * config.batchSize;
  const k = config.conv3d.discriminatorFirstKernelSize;
  return [
    { name: `frames-as-channels D conv0 (32→${c0}, ${k}×${k} on 8×8, batch ${both})`, input: [both, 8, 8, 32], kernelSize: k, outChannels: c0 },
    { name: `frames-as-channels D conv1 (${c0}→${c1}, 3×3 on 4×4, batch ${both})`, input: [both, 4, 4, c0], kernelSize: 3, outChannels: c1 },
  ];
}

async function time2dOnce(x: tf.Tensor4D, kernel: tf.Tensor4D): Promise<number> {
  const start = performance.now();
  const outputs = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, 1, 'same')) as tf.Scalar)([x, kernel]);
    return [value, ...grads];
  });
  await Promise.all(outputs.map((tensor) => tensor.data()));
  tf.dispose(outputs);
  return (performance.now() - start) / 1000;
}

async function main() {
  const options = new Command().option('--repetitions <n>', 'timed repetitions per layer and path', '5').option('--backend <name>', 'tfjs backend', 'wasm').parse().opts();
  const backend = await selectBackend(options.backend);
  const repetitions = Number(options.repetitions);
  console.log(`Backend ${backend.name}; ${os.cpus().length} × ${os.cpus()[0].model}; load average ${os.loadavg().map((load) => load.toFixed(2)).join(', ')}; ${repetitions} repetitions, medians.\n`);
  console.log('| layer | MMAC (value) | previous path: ms | previous: GMAC/s | ganpipe: ms | ganpipe: GMAC/s | speed-up |');
  console.log('|---|---|---|---|---|---|---|');
  for (const layer of fieldLayers()) {
    const x = tf.randomNormal(layer.input) as tf.Tensor5D;
    const kernel = tf.randomNormal([3, 3, 3, layer.input[4], layer.outChannels]) as tf.Tensor5D;
    const macs = layer.input.slice(0, 4).reduce((product, size) => product * size, 1) * 27 * layer.input[4] * layer.outChannels;
    const times: Record<'previous' | 'current', number[]> = { previous: [], current: [] };
    await timeOnce(previousPath, x, kernel);
    await timeOnce(conv3dSame, x, kernel);
    for (let repetition = 0; repetition < repetitions; repetition++) {
      // Alternate which goes first, so drifts in the machine's load fall on both.
      const order = repetition % 2 === 0 ? (['previous', 'current'] as const) : (['current', 'previous'] as const);
      for (const path of order) times[path].push(await timeOnce(path === 'previous' ? previousPath : conv3dSame, x, kernel));
    }
    const [previous, current] = [median(times.previous), median(times.current)];
    const rate = (seconds: number) => ((3 * macs) / seconds / 1e9).toFixed(2);
    console.log(`| ${layer.name} | ${(macs / 1e6).toFixed(1)} | ${(previous * 1000).toFixed(1)} | ${rate(previous)} | ${(current * 1000).toFixed(1)} | ${rate(current)} | ${(previous / current).toFixed(1)}× |`);
    tf.dispose([x, kernel]);
  }
  // The 2-D layers have no previous path on wasm: tfjs's stock Conv2D gradient needs
  // Conv2DBackpropFilter, which wasm lacks, so ganpipe's own gradient (conv2d-gradient.ts) is the only one.
  for (const layer of framesAsChannelsLayers()) {
    const x = tf.randomNormal(layer.input) as tf.Tensor4D;
    const kernel = tf.randomNormal([layer.kernelSize, layer.kernelSize, layer.input[3], layer.outChannels]) as tf.Tensor4D;
    const macs = layer.input.slice(0, 3).reduce((product, size) => product * size, 1) * layer.kernelSize ** 2 * layer.input[3] * layer.outChannels;
    await time2dOnce(x, kernel);
    const seconds = median(await Array.from({ length: repetitions }).reduce<Promise<number[]>>(async (times) => [...(await times), await time2dOnce(x, kernel)], Promise.resolve([])));
    console.log(`| ${layer.name} | ${(macs / 1e6).toFixed(1)} | n/a: no Conv2DBackpropFilter on wasm | | ${(seconds * 1000).toFixed(1)} | ${((3 * macs) / seconds / 1e9).toFixed(2)} | |`);
    tf.dispose([x, kernel]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
