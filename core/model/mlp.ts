import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { dense } from './dense';

export type Activation = 'relu' | 'leakyRelu';

export interface MlpSpec {
  inputSize: number;
  hiddenLayers: readonly number[];
  outputSize: number;
  activation: Activation;
}

/** One trainable tensor with its stable name (e.g. "generator/dense0/kernel"). */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/**
 * A multilayer perceptron held as plain variables, so the trainer can take gradients
 * with tf.variableGrads and plugins see them under stable names. tfjs variable names
 * are global to the engine, so the engine picks them and we keep our own names.
 */
export class Mlp {
  readonly variables: NamedVariable[] = [];

  constructor(
    readonly networkName: string,
    readonly spec: MlpSpec,
    random: SeededRandom,
  ) {
    const sizes = [spec.inputSize, ...spec.hiddenLayers, spec.outputSize];
    for (let index = 0; index < sizes.length - 1; index++) {
      const [fanIn, fanOut] = [sizes[index], sizes[index + 1]];
      // Glorot uniform, seeded: the same seed gives the same initial weights.
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const kernel = tf.tidy(() => tf.variable(tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', random.nextSeed())));
      const bias = tf.tidy(() => tf.variable(tf.zeros([fanOut])));
      this.variables.push({ name: `${networkName}/dense${index}/kernel`, variable: kernel });
      this.variables.push({ name: `${networkName}/dense${index}/bias`, variable: bias });
    }
  }

  apply(input: tf.Tensor2D): tf.Tensor2D {
    let activations = input;
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

  trainableVariables(): tf.Variable[] {
    return this.variables.map(({ variable }) => variable);
  }

  dispose(): void {
    for (const { variable } of this.variables) variable.dispose();
  }
}
