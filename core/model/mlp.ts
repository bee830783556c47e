import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { dense, DENSE_KERNELS } from './dense';
import { VariableNetwork, type NamedVariable } from './network';

export type Activation = 'relu' | 'leakyRelu';

export interface MlpSpec {
  inputSize: number;
  hiddenLayers: readonly number[];
  outputSize: number;
  activation: Activation;
}

export { type NamedVariable } from './network';

/** Kernels an MLP runs forward and backward. */
export const MLP_KERNELS = [...DENSE_KERNELS, 'Relu', 'LeakyRelu', 'Reshape'] as const;

/** Glorot uniform, seeded: the same seed gives the same initial weights. */
export function glorotKernel(fanIn: number, fanOut: number, random: SeededRandom): tf.Variable {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tidy(() => tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', random.nextSeed())));
}

export function zeroBias(size: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zeros([size])));
}

/**
 * A multilayer perceptron. It flattens each input sample, so it serves flat points
 * and, as dense layers over the whole window, sequences ("dense over time").
 */
export class Mlp extends VariableNetwork {
  readonly variables: NamedVariable[] = [];

  constructor(
    readonly networkName: string,
    readonly spec: MlpSpec,
    random: SeededRandom,
  ) {
    super();
    const sizes = [spec.inputSize, ...spec.hiddenLayers, spec.outputSize];
    for (let index = 0; index < sizes.length - 1; index++) {
      this.variables.push({ name: `${networkName}/dense${index}/kernel`, variable: glorotKernel(sizes[index], sizes[index + 1], random) });
      this.variables.push({ name: `${networkName}/dense${index}/bias`, variable: zeroBias(sizes[index + 1]) });
    }
  }

  apply(input: tf.Tensor): tf.Tensor2D {
    let activations: tf.Tensor2D = input.rank === 2 ? (input as tf.Tensor2D) : tf.reshape(input, [input.shape[0], -1]);
    const layerCount = this.variables.length / 2;
    for (let index = 0; index < layerCount; index++) {
      const kernel = this.variables[2 * index].variable as tf.Variable<tf.Rank.R2>;
      const bias = this.variables[2 * index + 1].variable as tf.Variable<tf.Rank.R1>;
      activations = dense(activations, kernel, bias);
      if (index < layerCount - 1) {
        activations = this.spec.activation === 'relu' ? tf.relu(activations) : tf.leakyRelu(activations, 0.2);
      }
    }
    return activations;
  }
}
