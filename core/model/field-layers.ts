import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { glorotKernel, zeroBias } from './mlp';
import type { NamedVariable } from './network';

/** The building blocks the field networks share: named layer variables and fixed upsampling. */

export type FieldShape = readonly [frames: number, height: number, width: number];

const KERNEL_SIZE = 3;
const TAPS = KERNEL_SIZE ** 3;

export interface Layer {
  kernel: tf.Variable;
  bias: tf.Variable<tf.Rank.R1>;
}

/** Creates layers' variables in order, so a seed fixes every initial weight. */
export class LayerVariables {
  readonly variables: NamedVariable[] = [];

  constructor(private readonly networkName: string) {}

  dense(layer: string, fanIn: number, fanOut: number, random: SeededRandom): Layer {
    return this.add(layer, glorotKernel(fanIn, fanOut, random), fanOut);
  }

  /** A size×size convolution kernel [size, size, in, out], Glorot-uniform over its fans. */
  conv2d(layer: string, channelsIn: number, channelsOut: number, random: SeededRandom, size = 3): Layer {
    const taps = size * size;
    const flat = glorotKernel(taps * channelsIn, taps * channelsOut, random);
    const kernel = tf.tidy(() => tf.variable(tf.reshape(tf.slice(flat, [0, 0], [taps * channelsIn, channelsOut]), [size, size, channelsIn, channelsOut])));
    flat.dispose();
    return this.add(layer, kernel, channelsOut);
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
export function kronecker(left: Float32Array, [a, b]: [number, number], right: Float32Array, [c, d]: [number, number]): Float32Array {
  const product = new Float32Array(a * c * b * d);
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let k = 0; k < c; k++) for (let l = 0; l < d; l++) product[(i * c + k) * (b * d) + j * d + l] = left[i * b + j] * right[k * d + l];
  return product;
}

