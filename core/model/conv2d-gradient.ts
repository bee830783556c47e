import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' bundle registers tfjs's stock gradients; it must load first so that ours replaces the stock Conv2D one.
import '@tensorflow/tfjs-layers';

/**
 * A Conv2D gradient made of forward Conv2Ds, for stride 1 and dilation 1 in NHWC
 * ('valid', or 'same' with odd kernel sizes): everything else goes to tfjs's stock one.
 *
 * Why: tfjs's stock gradient needs Conv2DBackpropFilter, which tfjs-backend-wasm 4.22
 * lacks, and Conv2DBackpropInput, which it runs at 0.9 GMAC/s against Conv2D's 5–9
 * (XNNPACK). Both gradients are convolutions themselves:
 * - input: dy convolved with the kernel flipped in height and width and its channels
 *   swapped ('same': same padding; 'valid': dy padded by the kernel size − 1);
 * - kernel: dK[i, j, c, o] = Σ x_padded[n, y + i, x + j, c]·dy[n, y, x, o], a 'valid'
 *   Conv2D with the input channels as the batch, the samples as the channels and dy
 *   as the kernel.
 * Being made of Conv2Ds (and pads, transposes, reverses), the gradient has a gradient
 * too, by this same rule: D's input gradient can be differentiated again, which the
 * R1 penalty needs. Like every tfjs gradient it is lazy: an input gradient nobody asks
 * for (the data's, in a D update) is never computed. test/conv2d-gradient.test.ts
 * checks both against the stock gradient on cpu and the second order against finite
 * differences.
 */
const stockGradient = tf.getGradient('Conv2D');

interface Conv2DAttributes {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | unknown;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: string;
}

const isOne = (value: number | [number, number]) => (Array.isArray(value) ? value.every((part) => part === 1) : value === 1);

/** The kernel flipped in height and width, with in and out channels swapped: [kh, kw, out, in]. */
function flipped(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
}

const convolutionGradient: tf.GradConfig = {
  kernelName: 'Conv2D',
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dilations } = attrs as unknown as Conv2DAttributes;
    const [kh, kw] = filter.shape;
    const symmetric = pad === 'valid' || (pad === 'same' && kh % 2 === 1 && kw % 2 === 1);
    if (!isOne(strides) || !isOne(dilations) || dataFormat !== 'NHWC' || !symmetric) return stockGradient.gradFunc(dy, saved, attrs as unknown as tf.NamedAttrMap);
    const gradient = dy as tf.Tensor4D;
    const [reachH, reachW] = pad === 'same' ? [(kh - 1) / 2, (kw - 1) / 2] : [0, 0];
    return {
      x: () =>
        pad === 'same'
          ? tf.conv2d(gradient, flipped(filter), 1, 'same')
          : tf.conv2d(tf.pad(gradient, [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]]), flipped(filter), 1, 'valid'),
      filter: () => {
        const padded = reachH + reachW > 0 ? tf.pad(x, [[0, 0], [reachH, reachH], [reachW, reachW], [0, 0]]) : x;
        const channelsAsBatch = tf.transpose(padded, [3, 1, 2, 0]); // [in, height, width, n]
        const dyAsKernel = tf.transpose(gradient, [1, 2, 0, 3]); // [height, width, n, out]
        return tf.transpose(tf.conv2d(channelsAsBatch, dyAsKernel, 1, 'valid'), [1, 2, 0, 3]); // [in, kh, kw, out] → [kh, kw, in, out]
      },
    };
  },
};

/** ganpipe's default, installed when this module loads. */
export function useConvolutionalConv2DGradient(): void {
  tf.registerGradient(convolutionGradient);
}

/** tfjs's own, for reference measurements and tests. */
export function useStockConv2DGradient(): void {
  tf.registerGradient(stockGradient);
}

useConvolutionalConv2DGradient();
