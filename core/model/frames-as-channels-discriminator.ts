import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { AVERAGE_POOL_KERNELS } from './average-pool';
import './conv2d-gradient';
import { dense, DENSE_KERNELS } from './dense';
import { LayerVariables, type FieldShape, type Layer } from './field-layers';
import { MINIBATCH_DEVIATION_KERNELS, minibatchDeviation } from './minibatch-deviation';
import { VariableNetwork, type NamedVariable } from './network';

/** Kernels the frames-as-channels D runs forward and backward. */
export const FRAMES_AS_CHANNELS_KERNELS = [...DENSE_KERNELS, ...AVERAGE_POOL_KERNELS, ...MINIBATCH_DEVIATION_KERNELS, 'Conv2D', 'PadV2', 'Reverse', 'Transpose', 'Reshape', 'LeakyRelu'] as const;

/** 2×2 average pooling of [n, height, width, channels], as reshapes and means (no AvgPool gradient kernel needed). */
function averagePool2d(x: tf.Tensor4D): tf.Tensor4D {
  const [n, height, width, channels] = x.shape;
  const overRows = tf.mean(tf.reshape(x, [n * (height / 2), 2, width * channels]), 1);
  return tf.reshape(tf.mean(tf.reshape(overRows, [n * (height / 2) * (width / 2), 2, channels]), 1), [n, height / 2, width / 2, channels]);
}

/**
 * [n, frames, height, width] → [n, height/2, width/2, 4·frames], channel
 * (row in block, column in block, frame): the frames go last, then each 2×2 block of
 * pixels joins them, with rank ≤ 4 transposes (wasm's rank-5 one is slow: see
 * spaceToDepth in field-networks.ts).
 */
export function framesAsChannels(input: tf.Tensor4D): tf.Tensor4D {
  const [n, frames, height, width] = input.shape;
  const framesLast = tf.transpose(tf.reshape(input, [n, frames, height * width]), [0, 2, 1]); // [n, height·width, frames]
  const blocks = tf.transpose(tf.reshape(framesLast, [n * (height / 2), 2, width / 2, 2 * frames]), [0, 2, 1, 3]); // [n·h/2, w/2, 2, 2·frames]
  return tf.reshape(blocks, [n, height / 2, width / 2, 4 * frames]);
}

/**
 * D for fields that sees the whole clip at once ("early fusion", Karpathy et al. 2014;
 * DGMR's conditioning stack does the same for radar frames): the frames become the
 * channels of one image after a 2×2 space-to-depth, [n, height/2, width/2, 4·frames],
 * then two convolutions (the first `firstKernelSize` wide, the second 3×3; LeakyReLU
 * 0.2) each followed by 2×2 average pooling, the
 * features with their minibatch deviation, dense to one logit.
 *
 * Why: the first layer then sees every frame of a neighbourhood together, so a filter
 * can match a whole trajectory (where a pattern is at the first frame and where it is
 * at the last), which is how a direction and a speed show. A 3-D convolution sees three
 * frames at a time and must build the trajectory up through its layers; on `blobs` it
 * learned the speed but not the 8 directions (BENCHMARKS.md). What it gives up: a
 * motion that starts anywhere in a long clip is one pattern per start time, so it suits
 * short clips (8 frames here) better than long ones.
 */
export class FramesAsChannelsDiscriminator extends VariableNetwork {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];

  constructor(
    readonly networkName: string,
    private readonly shape: FieldShape,
    channels: readonly [number, number],
    firstKernelSize: number,
    random: SeededRandom,
  ) {
    super();
    const [frames, height, width] = shape;
    if (height % 8 !== 0 || width % 8 !== 0) throw new Error(`the frames-as-channels discriminator needs height and width divisible by 8; the field is ${frames}×${height}×${width}`);
    const variables = new LayerVariables(networkName);
    this.layers = [
      variables.conv2d('conv0', 4 * frames, channels[0], random, firstKernelSize),
      variables.conv2d('conv1', channels[0], channels[1], random),
      variables.dense('dense0', (height / 8) * (width / 8) * channels[1] + 1, 1, random),
    ];
    this.variables = variables.variables;
  }

  apply(input: tf.Tensor): tf.Tensor2D {
    const [conv0, conv1, output] = this.layers;
    const n = input.shape[0];
    let x = framesAsChannels(input as tf.Tensor4D);
    x = averagePool2d(tf.leakyRelu(tf.add(tf.conv2d(x, conv0.kernel as tf.Tensor4D, 1, 'same'), conv0.bias), 0.2) as tf.Tensor4D);
    x = averagePool2d(tf.leakyRelu(tf.add(tf.conv2d(x, conv1.kernel as tf.Tensor4D, 1, 'same'), conv1.bias), 0.2) as tf.Tensor4D);
    return dense(minibatchDeviation(tf.reshape(x, [n, -1])), output.kernel as tf.Tensor2D, output.bias);
  }
}
