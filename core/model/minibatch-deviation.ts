import * as tf from '@tensorflow/tfjs-core';

/** Samples per minibatch-deviation group (Karras et al. 2018 use 4). */
export const MINIBATCH_GROUP_SIZE = 4;

/** Kernels minibatchDeviation runs forward and backward. */
export const MINIBATCH_DEVIATION_KERNELS = ['Reshape', 'Mean', 'Sub', 'Square', 'Add', 'Sqrt', 'Tile', 'Concat', 'RealDiv', 'Multiply', 'Sum'] as const;

/**
 * Appends to each sample's features [n, f] one more: how much the samples of its group
 * of MINIBATCH_GROUP_SIZE consecutive samples differ, the mean over features of their
 * standard deviation (ProGAN's minibatch standard deviation, Karras et al. 2018, on
 * D's last features). A generator collapsed onto one output gives groups that barely
 * differ, which no per-sample D can see and this feature shows at once.
 *
 * Groups are consecutive: the trainer gives D [real; generated] with each half a
 * multiple of the group size (train-config.ts checks it for the models that use this),
 * so a group never mixes real and generated samples. n must be a multiple of the group size.
 */
export function minibatchDeviation(features: tf.Tensor2D): tf.Tensor2D {
  const [n, size] = features.shape;
  if (n % MINIBATCH_GROUP_SIZE !== 0) throw new Error(`minibatch deviation needs a batch that is a multiple of ${MINIBATCH_GROUP_SIZE}, got ${n}`);
  const groups = tf.reshape(features, [n / MINIBATCH_GROUP_SIZE, MINIBATCH_GROUP_SIZE, size]);
  const centred = tf.sub(groups, tf.mean(groups, 1, true));
  const deviation = tf.sqrt(tf.add(tf.mean(tf.square(centred), 1), 1e-8)); // [groups, size]
  const perGroup = tf.mean(deviation, 1, true); // [groups, 1]
  const perSample = tf.reshape(tf.broadcastTo(tf.reshape(perGroup, [n / MINIBATCH_GROUP_SIZE, 1, 1]), [n / MINIBATCH_GROUP_SIZE, MINIBATCH_GROUP_SIZE, 1]), [n, 1]);
  return tf.concat([features, perSample], 1) as tf.Tensor2D;
}
