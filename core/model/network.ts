import type * as tf from '@tensorflow/tfjs-core';

/** One trainable tensor with its stable name (e.g. "generator/dense0/kernel"). */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/**
 * A generator or discriminator held as plain variables, so the trainer can take
 * gradients with tf.variableGrads and plugins see them under stable names. tfjs
 * variable names are global to the engine, so the engine picks them and we keep ours.
 */
export interface Network {
  readonly networkName: string;
  readonly variables: readonly NamedVariable[];
  /** Maps a batch [n, ...inputShape] to a batch [n, ...outputShape]. */
  apply(input: tf.Tensor): tf.Tensor;
  trainableVariables(): tf.Variable[];
  dispose(): void;
}

/** A Network whose trainable weights are exactly its named variables, disposed with it. */
export abstract class VariableNetwork implements Network {
  abstract readonly networkName: string;
  abstract readonly variables: readonly NamedVariable[];
  abstract apply(input: tf.Tensor): tf.Tensor;

  trainableVariables(): tf.Variable[] {
    return this.variables.map(({ variable }) => variable);
  }

  dispose(): void {
    for (const { variable } of this.variables) variable.dispose();
  }
}
