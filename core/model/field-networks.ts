import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { AVERAGE_POOL_KERNELS, averagePool } from './average-pool';
import { CONV3D_SAME_KERNELS, conv3dSame } from './conv3d-same';
import { dense, DENSE_KERNELS } from './dense';
import { glorotKernel, zeroBias } from './mlp';
import type { NamedVariable, Network } from './network';

export type FieldShape = readonly [frames: number, height: number, width: number];

/**
 * Kernels the field networks run forward and backward. wasm's Conv3D kernels are
 * plain loops (about 0.3–0.5 GMAC/s measured here), so the networks keep few channels
 * and pool early: the cost is in the convolutions.
 */
export const FIELD_NETWORK_KERNELS = [...DENSE_KERNELS, ...CONV3D_SAME_KERNELS, ...AVERAGE_POOL_KERNELS, 'Relu', 'LeakyRelu'] as const;

const KERNEL_SIZE = 3;
const TAPS = KERNEL_SIZE ** 3;

interface Layer {
  kernel: tf.Variable;
  bias: tf.Variable<tf.Rank.R1>;
}

/** Creates layers' variables in order, so a seed fixes every initial weight. */
class LayerVariables {
  readonly variables: NamedVariable[] = [];

  constructor(private readonly networkName: string) {}

  dense(layer: string, fanIn: number, fanOut: number, random: SeededRandom): Layer {
    return this.add(layer, glorotKernel(fanIn, fanOut, random), fanOut);
  }

  /** A 3×3×3 convolution kernel [3, 3, 3, in, out], Glorot-uniform over its fans. */
  conv3d(layer: string, channelsIn: number, channelsOut: number, random: SeededRandom): Layer {
    const flat = glorotKernel(TAPS * channelsIn, TAPS * channelsOut, random);
    const kernel = tf.tidy(() => tf.variable(tf.reshape(tf.slice(flat, [0, 0], [TAPS * channelsIn, channelsOut]), [KERNEL_SIZE, KERNEL_SIZE, KERNEL_SIZE, channelsIn, channelsOut])));
    flat.dispose();
    return this.add(layer, kernel, channelsOut);
  }

  private add(layer: string, kernel: tf.Variable, size: number): Layer {
    const bias = zeroBias(size) as tf.Variable<tf.Rank.R1>;
    this.variables.push({ name: `${this.networkName}/${layer}/kernel`, variable: kernel }, { name: `${this.networkName}/${layer}/bias`, variable: bias });
    return { kernel, bias };
  }
}

function checkFieldShape([frames, height, width]: FieldShape): void {
  if (frames % 4 !== 0 || height % 8 !== 0 || width % 8 !== 0) {
    throw new Error(`the 3-D convolutional networks need frames divisible by 4 and height and width by 8; the field is ${frames}×${height}×${width}`);
  }
}

function convolve(x: tf.Tensor5D, layer: Layer): tf.Tensor5D {
  return tf.add(conv3dSame(x, layer.kernel as tf.Tensor5D), layer.bias);
}

/**
 * D for fields [n, frames, height, width]: 2×2 spatial average pooling; 3×3×3
 * convolution (1 → c₀, LeakyReLU) and 2×2×2 pooling; 3×3×3 convolution (c₀ → c₁,
 * LeakyReLU) and 2×2×2 pooling; dense to one logit. Convolving over time as well as
 * space is what lets D see motion. Pooling the input first quarters the cost of the
 * first convolution; a blob of σ = 1.5 px is still 2–3 cells wide after it.
 */
export class FieldDiscriminator implements Network {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];

  constructor(
    readonly networkName: string,
    private readonly shape: FieldShape,
    channels: readonly [number, number],
    random: SeededRandom,
  ) {
    checkFieldShape(shape);
    const [frames, height, width] = shape;
    const variables = new LayerVariables(networkName);
    this.layers = [
      variables.conv3d('conv0', 1, channels[0], random),
      variables.conv3d('conv1', channels[0], channels[1], random),
      variables.dense('dense0', (frames / 4) * (height / 8) * (width / 8) * channels[1], 1, random),
    ];
    this.variables = variables.variables;
  }

  apply(input: tf.Tensor): tf.Tensor2D {
    const [frames, height, width] = this.shape;
    const [conv0, conv1, output] = this.layers;
    const n = input.shape[0];
    let x = averagePool(tf.reshape(input, [n, frames, height, width, 1]) as tf.Tensor5D, [1, 2, 2]);
    x = averagePool(tf.leakyRelu(convolve(x, conv0), 0.2), [2, 2, 2]);
    x = averagePool(tf.leakyRelu(convolve(x, conv1), 0.2), [2, 2, 2]);
    return dense(tf.reshape(x, [n, -1]), output.kernel as tf.Tensor2D, output.bias);
  }

  trainableVariables(): tf.Variable[] {
    return this.variables.map(({ variable }) => variable);
  }

  dispose(): void {
    for (const { variable } of this.variables) variable.dispose();
  }
}

/**
 * Bilinear ×2 upsampling of a size-cell axis as a [size, 2·size] matrix (half-pixel
 * centres, edges clamped, as tf.image.resizeBilinear with halfPixelCenters).
 */
export function bilinearUpsampling(size: number): Float32Array {
  const matrix = new Float32Array(size * 2 * size);
  for (let target = 0; target < 2 * size; target++) {
    const position = Math.min(Math.max((target + 0.5) / 2 - 0.5, 0), size - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, size - 1);
    const weight = position - below;
    matrix[below * 2 * size + target] += 1 - weight;
    matrix[above * 2 * size + target] += weight;
  }
  return matrix;
}

/** The Kronecker product of two row-major matrices [a, b] ⊗ [c, d] → [a·c, b·d]. */
function kronecker(left: Float32Array, [a, b]: [number, number], right: Float32Array, [c, d]: [number, number]): Float32Array {
  const product = new Float32Array(a * c * b * d);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) for (let l = 0; l < d; l++) product[(i * c + k) * (b * d) + j * d + l] = left[i * b + j] * right[k * d + l];
  return product;
}

/**
 * G for fields: z → dense (hidden units, ReLU) → dense to every frame at half the
 * height and width with c channels (ReLU) → one 3×3×3 convolution to one channel →
 * bilinear ×2 upsampling in space. The convolution spans neighbouring frames, so G
 * draws a moving object as one thing, not frame by frame. Why half resolution and
 * upsampling: a dense layer that writes every cell on its own leaves cell-to-cell
 * noise that real fields (smooth blobs on a flat background) never have, and the
 * convolution costs a quarter as much there. The upsampling is a fixed matMul
 * ([h·w] → [2h·2w]), fast on wasm, with no Tile or resize gradient kernels needed.
 */
export class FieldGenerator implements Network {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];
  private readonly upsampling: tf.Tensor2D;

  constructor(
    readonly networkName: string,
    latentDim: number,
    private readonly shape: FieldShape,
    hiddenUnits: number,
    private readonly channels: number,
    random: SeededRandom,
  ) {
    checkFieldShape(shape);
    const [frames, height, width] = shape;
    const variables = new LayerVariables(networkName);
    this.layers = [
      variables.dense('dense0', latentDim, hiddenUnits, random),
      variables.dense('dense1', hiddenUnits, frames * (height / 2) * (width / 2) * channels, random),
      variables.conv3d('conv0', channels, 1, random),
    ];
    this.variables = variables.variables;
    const [rows, columns] = [height / 2, width / 2];
    this.upsampling = tf.tensor2d(kronecker(bilinearUpsampling(rows), [rows, height], bilinearUpsampling(columns), [columns, width]), [rows * columns, height * width]);
  }

  apply(z: tf.Tensor): tf.Tensor4D {
    const [frames, height, width] = this.shape;
    const [hidden, cells, output] = this.layers;
    const n = z.shape[0];
    const h = tf.relu(dense(z as tf.Tensor2D, hidden.kernel as tf.Tensor2D, hidden.bias));
    const coarse = tf.reshape(tf.relu(dense(h, cells.kernel as tf.Tensor2D, cells.bias)), [n, frames, height / 2, width / 2, this.channels]) as tf.Tensor5D;
    const coarseField = tf.reshape(convolve(coarse, output), [n * frames, (height / 2) * (width / 2)]);
    return tf.reshape(tf.matMul(coarseField, this.upsampling), [n, frames, height, width]);
  }

  trainableVariables(): tf.Variable[] {
    return this.variables.map(({ variable }) => variable);
  }

  dispose(): void {
    for (const { variable } of this.variables) variable.dispose();
    this.upsampling.dispose();
  }
}
