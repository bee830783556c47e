import type * as tf from '@tensorflow/tfjs-core';

/** tfjs-core uses this shape (optimizer weights, io.encodeWeights) but does not export its type. */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}
