import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { AVERAGE_POOL_KERNELS, averagePool } from './average-pool';
import { CONV3D_SAME_KERNELS, conv3dSame } from './conv3d-same';
import { dense, DENSE_KERNELS } from './dense';
import { MINIBATCH_DEVIATION_KERNELS, minibatchDeviation } from './minibatch-deviation';
import { bilinearUpsampling, kronecker, LayerVariables, type FieldShape, type Layer } from './field-layers';
import { VariableNetwork, type NamedVariable } from './network';

export type { FieldShape } from './field-layers';

/** Kernels the 3-D convolutional field networks run forward and backward. */
export const FIELD_NETWORK_KERNELS = [...DENSE_KERNELS, ...CONV3D_SAME_KERNELS, ...AVERAGE_POOL_KERNELS, ...MINIBATCH_DEVIATION_KERNELS, 'Relu', 'LeakyRelu'] as const;

function checkFieldShape([frames, height, width]: FieldShape): void {
  if (frames % 4 !== 0 || height % 8 !== 0 || width % 8 !== 0) {
    throw new Error(`the 3-D convolutional networks need frames divisible by 4 and height and width by 8; the field is ${frames}×${height}×${width}`);
  }
}

/**
 * [n, frames, height, width] → [n, frames, height/2, width/2, 4]: each 2×2 block of
 * pixels becomes the 4 channels of one cell. Unlike average pooling it loses nothing
 * (D still sees where within a block the mass sits, which is a blob's sub-pixel
 * position and so its speed), and the first convolution runs at a quarter of the
 * cells. One rank-4 transpose: wasm's rank-5 Transpose is a generic loop, about 25×
 * slower per value (113 ms against 4 ms for the same 2.6 M values, measured here).
 */
function spaceToDepth(input: tf.Tensor4D): tf.Tensor5D {
  const [n, frames, height, width] = input.shape;
  // [n·frames·height/2, 2 (row in block), width/2, 2 (column in block)] → swap the middle axes.
  const blocks = tf.transpose(tf.reshape(input, [(n * frames * height) / 2, 2, width / 2, 2]), [0, 2, 1, 3]);
  return tf.reshape(blocks, [n, frames, height / 2, width / 2, 4]);
}

function convolve(x: tf.Tensor5D, layer: Layer): tf.Tensor5D {
  return tf.add(conv3dSame(x, layer.kernel as tf.Tensor5D), layer.bias);
}

/**
 * D for fields [n, frames, height, width]: 2×2 space-to-depth (4 channels at half
 * the height and width); 3×3×3 convolution (4 → c₀, LeakyReLU) and 2×2×2 pooling;
 * 3×3×3 convolution (c₀ → c₁, LeakyReLU) and 2×2×2 pooling; the features with their
 * minibatch deviation (minibatch-deviation.ts), dense to one logit.
 * Convolving over time as well as space is what lets D see motion. Space-to-depth
 * quarters the cost of the first convolution and, unlike the 2×2 average pooling it
 * replaced, keeps the sub-pixel detail that tells a blob's speed (exploratory runs on
 * blobs: average-pooled input 11 % high-quality samples at 1,500 steps).
 */
export class FieldDiscriminator extends VariableNetwork {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];

  constructor(
    readonly networkName: string,
    private readonly shape: FieldShape,
    channels: readonly [number, number],
    random: SeededRandom,
  ) {
    super();
    checkFieldShape(shape);
    const [frames, height, width] = shape;
    const variables = new LayerVariables(networkName);
    this.layers = [
      variables.conv3d('conv0', 4, channels[0], random),
      variables.conv3d('conv1', channels[0], channels[1], random),
      variables.dense('dense0', (frames / 4) * (height / 8) * (width / 8) * channels[1] + 1, 1, random),
    ];
    this.variables = variables.variables;
  }

  apply(input: tf.Tensor): tf.Tensor2D {
    const [conv0, conv1, output] = this.layers;
    const n = input.shape[0];
    let x = spaceToDepth(input as tf.Tensor4D);
    x = averagePool(tf.leakyRelu(convolve(x, conv0), 0.2), [2, 2, 2]);
    x = averagePool(tf.leakyRelu(convolve(x, conv1), 0.2), [2, 2, 2]);
    return dense(minibatchDeviation(tf.reshape(x, [n, -1])), output.kernel as tf.Tensor2D, output.bias);
  }
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
export class FieldGenerator extends VariableNetwork {
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
    super();
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

  override dispose(): void {
    super.dispose();
    this.upsampling.dispose();
  }
}
