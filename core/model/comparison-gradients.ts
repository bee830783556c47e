import * as tf from '@tensorflow/tfjs-core';

/**
 * Zero gradients for the comparison kernels, which tfjs registers none for.
 *
 * A first-order gradient never differentiates a comparison, but the R1 penalty
 * (gan-model.ts) differentiates D's input gradient, and LeakyRelu's and ReLU's
 * gradients are built from Greater/GreaterEqual masks. A comparison is piecewise
 * constant, so its gradient is zero wherever it is defined (TensorFlow's Python
 * registers "no gradient" for the same kernels).
 */
for (const kernelName of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
  if (tf.getGradient(kernelName)) continue;
  tf.registerGradient({
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, [a, b]) => ({ a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) }),
  });
}
