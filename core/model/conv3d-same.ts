import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients for the ops around this one (see plain-matmul-gradient.ts).
import './plain-matmul-gradient';

/** Kernels conv3dSame runs forward and backward (Reverse and Transpose flip the kernel). */
export const CONV3D_SAME_KERNELS = ['Conv3D', 'Conv3DBackpropFilterV2', 'Reverse', 'Transpose'] as const;

/**
 * A stride-1, 'same'-padded 3-D convolution (odd kernel sizes) with its gradient
 * written out, for [n, frames, height, width, channels] ⊛ [kt, kh, kw, in, out].
 *
 * Why not tf.conv3d's own gradient: on tfjs-backend-wasm 4.22 it is wrong. Checked
 * against the cpu backend and central differences (test/conv3d-same.test.ts),
 * Conv3DBackpropInputV2 gives wrong input gradients at every stride and padding, and
 * Conv3DBackpropFilterV2 gives wrong kernel gradients at stride 2; a GAN trained on them
 * diverged to NaN within 40 steps. Here the input gradient is the forward convolution
 * of dy with the kernel flipped in space and time and its channels swapped (exact for
 * stride 1 and symmetric padding), and the kernel gradient uses Conv3DBackpropFilterV2
 * at stride 1, where it agrees with cpu.
 */
export const conv3dSame = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, save] = args as [tf.Tensor5D, tf.Tensor5D, tf.GradSaveFunc];
  const [kt, kh, kw] = kernel.shape;
  if (kt % 2 === 0 || kh % 2 === 0 || kw % 2 === 0) throw new Error(`conv3dSame needs odd kernel sizes, got ${kt}×${kh}×${kw}`);
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
}) as (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.Tensor5D;
