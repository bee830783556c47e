import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients for the ops around this one (see plain-matmul-gradient.ts),
// and the Conv2D gradient made of Conv2Ds that every gradient here runs on.
import './plain-matmul-gradient';
import './conv2d-gradient';

/**
 * Kernels conv3dSame runs forward and backward. Conv2D is the only one that does
 * arithmetic; the rest move data (padding, time taps, layouts, the flipped kernel).
 */
export const CONV3D_SAME_KERNELS = ['Conv2D', 'PadV2', 'Slice', 'Reshape', 'Transpose', 'Reverse', 'Add'] as const;

/**
 * A stride-1, 'same'-padded 3-D convolution (odd kernel sizes) for
 * [n, frames, height, width, channels] ⊛ [kt, kh, kw, in, out], as a sum of 2-D
 * convolutions over the kt time taps: y = Σₐ conv2d(x[t + a − ⌊kt/2⌋], K[a]), each tap
 * a contiguous slice of the time-padded input.
 *
 * Why not tf.conv3d: on tfjs-backend-wasm 4.22 its Conv3D kernels are plain loops
 * (0.15 GMAC/s measured here, against 5–9 GMAC/s for Conv2D on XNNPACK), and
 * Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 give wrong gradients (checked
 * against the cpu backend). The gradients here are tfjs's autodiff of slices, pads and
 * adds around Conv2Ds whose own gradient is made of Conv2Ds (conv2d-gradient.ts), so
 * they run on XNNPACK too, are computed only when asked for (not the data's), and can
 * be differentiated again (the R1 penalty). test/conv3d-same.test.ts checks value and
 * both gradients against tf.conv3d on cpu.
 */
export function conv3dSame(x: tf.Tensor5D, kernel: tf.Tensor5D): tf.Tensor5D {
  const [n, frames, height, width, channels] = x.shape;
  const [kt, kh, kw, , outChannels] = kernel.shape;
  if (kt % 2 === 0 || kh % 2 === 0 || kw % 2 === 0) throw new Error(`conv3dSame needs odd kernel sizes, got ${kt}×${kh}×${kw}`);
  const reach = (kt - 1) / 2;
  const frameSize = height * width * channels;
  const flat = tf.reshape(x, [n, frames, frameSize]);
  const padded = reach > 0 ? tf.pad(flat, [[0, 0], [reach, reach], [0, 0]]) : flat;
  let sum: tf.Tensor4D | undefined;
  for (let tap = 0; tap < kt; tap++) {
    const framesAtTap = tf.reshape(tf.slice(padded, [0, tap, 0], [n, frames, frameSize]), [n * frames, height, width, channels]) as tf.Tensor4D;
    const tapKernel = tf.reshape(tf.slice(kernel, [tap, 0, 0, 0, 0], [1, kh, kw, channels, outChannels]), [kh, kw, channels, outChannels]) as tf.Tensor4D;
    const term = tf.conv2d(framesAtTap, tapKernel, 1, 'same');
    sum = sum === undefined ? term : (tf.add(sum, term) as tf.Tensor4D);
  }
  return tf.reshape(sum as tf.Tensor4D, [n, frames, height, width, outChannels]);
}
