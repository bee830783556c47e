import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients for the ops around this one (see plain-matmul-gradient.ts).
import './plain-matmul-gradient';

/**
 * Kernels conv3dSame runs forward and backward. Conv2D is the only one that does
 * arithmetic; the rest move data (padding, time taps, layouts, the flipped kernel).
 */
export const CONV3D_SAME_KERNELS = ['Conv2D', 'PadV2', 'Slice', 'Reshape', 'Transpose', 'Reverse', 'Add', 'Pack'] as const;

/**
 * A stride-1, 'same'-padded 3-D convolution (odd kernel sizes) for
 * [n, frames, height, width, channels] ⊛ [kt, kh, kw, in, out], built from 2-D
 * convolutions, with its gradients written out.
 *
 * Why not tf.conv3d: on tfjs-backend-wasm 4.22 its Conv3D kernels are plain loops
 * (0.15 GMAC/s measured here, against 5–9 GMAC/s for Conv2D, which runs on XNNPACK),
 * Conv3DBackpropInputV2 gives wrong input gradients and Conv3DBackpropFilterV2 wrong
 * kernel gradients at stride 2 (checked against the cpu backend). wasm also has no
 * Conv2DBackpropFilter, and its Conv2DBackpropInput is slow (0.9 GMAC/s), so both
 * gradients are forward Conv2Ds too:
 *
 * - forward: y = Σₐ conv2d(x[t + a − kt/2], K[a]) over the kt time taps: each tap is
 *   a contiguous slice of the time-padded input, and the 2-D convolution handles
 *   height and width;
 * - input gradient: the same convolution of dy with the kernel flipped in space and
 *   time and its channels swapped (exact for stride 1 and symmetric padding);
 * - kernel gradient: for each time tap, dK[a][i, j, c, o] = Σ xpad[·, · + i, · + j, c]
 *   dy[·, ·, ·, o] is itself a 'valid' 2-D convolution, with the input channels as the
 *   batch, (frame, sample) pairs as the channels and dy as the kernel.
 *
 * Every transpose is rank ≤ 4: wasm's rank-5 Transpose is a generic loop 25× slower
 * per element (measured: 113 ms against 4 ms for the same 2.6 M values).
 * test/conv3d-same.test.ts checks value and both gradients against tf.conv3d on cpu.
 */
export const conv3dSame = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, save] = args as [tf.Tensor5D, tf.Tensor5D, tf.GradSaveFunc];
  const [kt, kh, kw] = kernel.shape;
  if (kt % 2 === 0 || kh % 2 === 0 || kw % 2 === 0) throw new Error(`conv3dSame needs odd kernel sizes, got ${kt}×${kh}×${kw}`);
  save([x, kernel]);
  return {
    value: convolveByTimeTaps(x, kernel),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [savedX, savedKernel]: tf.Tensor[]) => [
      convolveByTimeTaps(dy as tf.Tensor5D, flipKernel(savedKernel as tf.Tensor5D)),
      kernelGradient(savedX as tf.Tensor5D, dy as tf.Tensor5D, savedKernel.shape as [number, number, number, number, number]),
    ],
  };
}) as (x: tf.Tensor5D, kernel: tf.Tensor5D) => tf.Tensor5D;

/** y = Σₐ conv2d(time tap a of x, K[a]), stride 1, 'same'. */
function convolveByTimeTaps(x: tf.Tensor5D, kernel: tf.Tensor5D): tf.Tensor5D {
  const [n, frames, height, width, channels] = x.shape;
  const [kt, kh, kw, , outChannels] = kernel.shape;
  const reach = (kt - 1) / 2;
  const frameSize = height * width * channels;
  const padded = reach > 0 ? tf.pad(tf.reshape(x, [n, frames, frameSize]), [[0, 0], [reach, reach], [0, 0]]) : tf.reshape(x, [n, frames, frameSize]);
  let sum: tf.Tensor4D | undefined;
  for (let tap = 0; tap < kt; tap++) {
    const framesAtTap = tf.reshape(tf.slice(padded, [0, tap, 0], [n, frames, frameSize]), [n * frames, height, width, channels]) as tf.Tensor4D;
    const tapKernel = tf.reshape(tf.slice(kernel, [tap, 0, 0, 0, 0], [1, kh, kw, channels, outChannels]), [kh, kw, channels, outChannels]) as tf.Tensor4D;
    const term = tf.conv2d(framesAtTap, tapKernel, 1, 'same');
    sum = sum === undefined ? term : (tf.add(sum, term) as tf.Tensor4D);
  }
  return tf.reshape(sum as tf.Tensor4D, [n, frames, height, width, outChannels]);
}

/** K reversed in time, height and width, with in and out channels swapped. */
function flipKernel(kernel: tf.Tensor5D): tf.Tensor5D {
  const [kt, kh, kw, inChannels, outChannels] = kernel.shape;
  const reversed = tf.reshape(tf.reverse(kernel, [0, 1, 2]), [kt * kh * kw, inChannels, outChannels]);
  return tf.reshape(tf.transpose(reversed, [0, 2, 1]), [kt, kh, kw, outChannels, inChannels]);
}

/** dK for y = conv3dSame(x, K), as one 'valid' Conv2D per time tap (see conv3dSame). */
function kernelGradient(x: tf.Tensor5D, dy: tf.Tensor5D, [kt, kh, kw, channels, outChannels]: [number, number, number, number, number]): tf.Tensor5D {
  const [n, frames, height, width] = x.shape;
  const [reachT, reachH, reachW] = [(kt - 1) / 2, (kh - 1) / 2, (kw - 1) / 2];
  const [paddedFrames, paddedHeight, paddedWidth] = [frames + 2 * reachT, height + 2 * reachH, width + 2 * reachW];
  const padded = tf.pad(x, [[0, 0], [reachT, reachT], [reachH, reachH], [reachW, reachW], [0, 0]]);
  // [channels, height·width, frames, n]: a time tap is then one contiguous run of columns.
  const channelsFirst = tf.reshape(tf.transpose(tf.reshape(padded, [n, paddedFrames, paddedHeight * paddedWidth, channels]), [3, 2, 1, 0]), [channels * paddedHeight * paddedWidth, paddedFrames * n]);
  // dy as a 2-D kernel [height, width, (frame, sample), out], columns in the same order.
  const dyKernel = tf.reshape(tf.transpose(tf.reshape(dy, [n, frames, height * width, outChannels]), [2, 1, 0, 3]), [height, width, frames * n, outChannels]) as tf.Tensor4D;
  const taps: tf.Tensor[] = [];
  for (let tap = 0; tap < kt; tap++) {
    const columns = tf.slice(channelsFirst, [0, tap * n], [channels * paddedHeight * paddedWidth, frames * n]);
    const input = tf.reshape(columns, [channels, paddedHeight, paddedWidth, frames * n]) as tf.Tensor4D;
    taps.push(tf.conv2d(input, dyKernel, 1, 'valid')); // [channels, kh, kw, out]
  }
  // [kt, channels, kh·kw, out] → [kt, kh·kw, channels, out]
  const stacked = tf.reshape(tf.stack(taps), [kt, channels, kh * kw, outChannels]);
  return tf.reshape(tf.transpose(stacked, [0, 2, 1, 3]), [kt, kh, kw, channels, outChannels]);
}
