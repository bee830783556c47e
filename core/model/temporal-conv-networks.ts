import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import { dense, DENSE_KERNELS } from './dense';
import { glorotKernel, zeroBias } from './mlp';
import { VariableNetwork, type NamedVariable } from './network';

/** Kernels the temporal-convolution networks run forward and backward. */
export const TEMPORAL_CONV_KERNELS = [...DENSE_KERNELS, 'PadV2', 'Slice', 'Concat', 'Reshape', 'Relu', 'LeakyRelu'] as const;

export interface TemporalConvSpec {
  /** Time steps per sequence. */
  length: number;
  /** Values per time step. */
  features: number;
  /** Channels of the hidden convolutions. */
  channels: number;
  /** Taps of each convolution over time (odd). */
  kernelSize: number;
}

interface Layer {
  kernel: tf.Variable;
  bias: tf.Variable<tf.Rank.R1>;
}

/** Adds seeded, named variables in creation order (the seed fixes every initial weight). */
function makeLayers(networkName: string, shapes: { name: string; fanIn: number; fanOut: number; taps?: number }[], random: SeededRandom): { layers: Layer[]; variables: NamedVariable[] } {
  const variables: NamedVariable[] = [];
  const layers = shapes.map(({ name, fanIn, fanOut, taps }) => {
    const flat = glorotKernel((taps ?? 1) * fanIn, (taps ?? 1) * fanOut, random);
    // A convolution kernel [taps · in, out] (tap-major rows), Glorot-uniform over its fans (taps · channels).
    const kernel = taps === undefined ? flat : tf.tidy(() => tf.variable(tf.slice(flat, [0, 0], [taps * fanIn, fanOut])));
    if (taps !== undefined) flat.dispose();
    const bias = zeroBias(fanOut) as tf.Variable<tf.Rank.R1>;
    variables.push({ name: `${networkName}/${name}/kernel`, variable: kernel }, { name: `${networkName}/${name}/bias`, variable: bias });
    return { kernel, bias };
  });
  return { layers, variables };
}

/**
 * A stride-1, 'same' convolution over time of [n, length, channels] with a kernel
 * [taps · channels, out], as im2col: the taps are shifted slices of the zero-padded
 * input side by side, then one matMul. Why not conv3dSame on 1×1 frames: sequences are
 * small, so time goes by op count, and this is taps + 3 ops forward, with tfjs's own
 * gradients for slice, concat and matMul (all fast on wasm); conv3dSame's per-tap
 * Conv2Ds took 100 ms a step on timegan-sines. test/temporal-conv.test.ts checks it
 * against tf.conv1d on cpu.
 */
export function convolveOverTime(x: tf.Tensor3D, layer: { kernel: tf.Tensor; bias: tf.Tensor }): tf.Tensor3D {
  const [n, length, channels] = x.shape;
  const taps = layer.kernel.shape[0]! / channels;
  const reach = (taps - 1) / 2;
  const padded = tf.pad(x, [[0, 0], [reach, reach], [0, 0]]);
  const patches = tf.concat(Array.from({ length: taps }, (_, tap) => tf.slice(padded, [0, tap, 0], [n, length, channels])), 2);
  const y = tf.add(tf.matMul(tf.reshape(patches, [n * length, taps * channels]), layer.kernel as tf.Tensor2D), layer.bias);
  return tf.reshape(y, [n, length, -1]);
}

/**
 * G for sequences: z → dense (hidden, ReLU) → dense to a code per time step
 * [length, channels] (ReLU) → convolution over time (channels → channels, ReLU) →
 * convolution over time to the features. Why convolutions: an MLP that writes each of
 * the length·features values on its own leaves step-to-step jitter that a post-hoc
 * classifier picks up at once (BENCHMARKS.md); the convolutions tie each step to its
 * neighbours, and, unlike the cosine basis (time-basis-generator.ts), put no ceiling on
 * the frequencies a series may have.
 */
export class TemporalConvGenerator extends VariableNetwork {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];

  constructor(
    readonly networkName: string,
    latentDim: number,
    hiddenUnits: number,
    private readonly spec: TemporalConvSpec,
    random: SeededRandom,
  ) {
    super();
    const { length, features, channels, kernelSize } = spec;
    ({ layers: this.layers, variables: this.variables } = makeLayers(
      networkName,
      [
        { name: 'dense0', fanIn: latentDim, fanOut: hiddenUnits },
        { name: 'dense1', fanIn: hiddenUnits, fanOut: length * channels },
        { name: 'conv0', fanIn: channels, fanOut: channels, taps: kernelSize },
        { name: 'conv1', fanIn: channels, fanOut: features, taps: kernelSize },
      ],
      random,
    ));
  }

  apply(z: tf.Tensor): tf.Tensor3D {
    const { length, channels } = this.spec;
    const [hidden, perStep, conv0, conv1] = this.layers;
    const h = tf.relu(dense(z as tf.Tensor2D, hidden.kernel as tf.Tensor2D, hidden.bias));
    const code = tf.reshape(tf.relu(dense(h, perStep.kernel as tf.Tensor2D, perStep.bias)), [z.shape[0], length, channels]) as tf.Tensor3D;
    return convolveOverTime(tf.relu(convolveOverTime(code, conv0)), conv1);
  }
}

/**
 * D for sequences: two convolutions over time (features → channels → channels,
 * LeakyReLU 0.2), then dense from every step's channels to one logit, so D judges how
 * neighbouring steps go together and still sees where in the window they are.
 */
export class TemporalConvDiscriminator extends VariableNetwork {
  readonly variables: NamedVariable[];
  private readonly layers: Layer[];

  constructor(
    readonly networkName: string,
    private readonly spec: TemporalConvSpec,
    random: SeededRandom,
  ) {
    super();
    const { length, features, channels, kernelSize } = spec;
    ({ layers: this.layers, variables: this.variables } = makeLayers(
      networkName,
      [
        { name: 'conv0', fanIn: features, fanOut: channels, taps: kernelSize },
        { name: 'conv1', fanIn: channels, fanOut: channels, taps: kernelSize },
        { name: 'dense0', fanIn: length * channels, fanOut: 1 },
      ],
      random,
    ));
  }

  apply(input: tf.Tensor): tf.Tensor2D {
    const { length, features } = this.spec;
    const [conv0, conv1, output] = this.layers;
    const n = input.shape[0];
    const x = tf.reshape(input, [n, length, features]) as tf.Tensor3D;
    const h = tf.leakyRelu(convolveOverTime(tf.leakyRelu(convolveOverTime(x, conv0), 0.2), conv1), 0.2);
    return dense(tf.reshape(h, [n, -1]), output.kernel as tf.Tensor2D, output.bias);
  }
}
