import * as tf from '@tensorflow/tfjs-core';
import type { NamedGradients } from '../../core/model/gan-model';

export type ClipRule =
  | { mode: 'value'; value: number }
  | { mode: 'norm'; maxNorm: number }
  | { mode: 'layer-norm'; maxNorm: number }
  | { mode: 'agc'; lambda: number; epsilon: number; skipOutputLayer: boolean }
  /** Norm clipping at a threshold the caller derives from the norm history (AutoClip). */
  | { mode: 'autoclip'; maxNorm: number };

export interface ClipResult {
  gradients: NamedGradients;
  /** [normBefore, normAfter, clippedFraction] as one tensor, read back after the step. */
  stats: tf.Tensor1D;
}

const TINY = 1e-12;

function globalNormOf(tensors: tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(tensors.map((tensor) => tf.sum(tf.square(tensor))))) as tf.Scalar;
}

/** min(1, limit / norm), elementwise; 1 where the norm is within the limit. */
function shrinkFactor(norm: tf.Tensor, limit: tf.Tensor | number): tf.Tensor {
  return tf.minimum(1, tf.div(limit, tf.maximum(norm, TINY)));
}

/**
 * Unit-wise L2 norms as in Brock et al. 2021 (NFNets): for a dense kernel [in, out] one
 * norm per output unit (over the input axis), kept broadcastable; for a bias, |b|.
 */
function unitwiseNorm(tensor: tf.Tensor): tf.Tensor {
  if (tensor.rank <= 1) return tf.abs(tensor);
  return tf.sqrt(tf.sum(tf.square(tensor), 0, true));
}

/** The highest dense-layer index among the names: the output layer. */
function outputLayerPrefix(names: string[]): string | undefined {
  let best = -1;
  let prefix: string | undefined;
  for (const name of names) {
    const match = /^(.*\/dense(\d+))\//.exec(name);
    if (match && Number(match[2]) > best) {
      best = Number(match[2]);
      prefix = match[1];
    }
  }
  return prefix;
}

/**
 * Applies one clipping rule to a network's gradients. Pure tensor work, no read-back:
 * call inside a tf.tidy (the gradient hooks run in one) and keep `stats` if needed.
 */
export function clipGradients(gradients: NamedGradients, rule: ClipRule, weights?: ReadonlyMap<string, tf.Tensor>): ClipResult {
  const names = Object.keys(gradients);
  const before = names.map((name) => gradients[name]);
  const normBefore = globalNormOf(before);
  let after: tf.Tensor[];
  let clippedFraction: tf.Scalar;

  switch (rule.mode) {
    case 'value': {
      after = before.map((gradient) => tf.clipByValue(gradient, -rule.value, rule.value));
      const total = before.reduce((sum, gradient) => sum + gradient.size, 0);
      const clipped = tf.addN(before.map((gradient) => tf.sum(tf.cast(tf.greater(tf.abs(gradient), rule.value), 'float32'))));
      clippedFraction = tf.div(clipped, total) as tf.Scalar;
      break;
    }
    case 'norm':
    case 'autoclip': {
      const factor = shrinkFactor(normBefore, rule.maxNorm);
      after = before.map((gradient) => tf.mul(gradient, factor));
      clippedFraction = tf.cast(tf.less(factor, 1), 'float32') as tf.Scalar;
      break;
    }
    case 'layer-norm': {
      const factors = before.map((gradient) => shrinkFactor(globalNormOf([gradient]), rule.maxNorm));
      after = before.map((gradient, index) => tf.mul(gradient, factors[index]));
      clippedFraction = tf.div(tf.addN(factors.map((factor) => tf.cast(tf.less(factor, 1), 'float32'))), factors.length) as tf.Scalar;
      break;
    }
    case 'agc': {
      if (!weights) throw new Error('agc clipping needs the network weights');
      const skipped = rule.skipOutputLayer ? outputLayerPrefix(names) : undefined;
      let clippedUnits: tf.Tensor = tf.scalar(0);
      let totalUnits = 0;
      after = before.map((gradient, index) => {
        const name = names[index];
        if (skipped && name.startsWith(`${skipped}/`)) return gradient;
        const weight = weights.get(name);
        if (!weight) throw new Error(`agc clipping: no weight named ${name}`);
        const limit = tf.mul(tf.maximum(unitwiseNorm(weight), rule.epsilon), rule.lambda);
        const factor = shrinkFactor(unitwiseNorm(gradient), limit);
        clippedUnits = tf.add(clippedUnits, tf.sum(tf.cast(tf.less(factor, 1), 'float32')));
        totalUnits += factor.size;
        return tf.mul(gradient, factor);
      });
      clippedFraction = (totalUnits === 0 ? tf.scalar(0) : tf.div(clippedUnits, totalUnits)) as tf.Scalar;
      break;
    }
  }
  const normAfter = globalNormOf(after);
  const clippedGradients: NamedGradients = {};
  names.forEach((name, index) => (clippedGradients[name] = after[index]));
  return { gradients: clippedGradients, stats: tf.stack([normBefore, normAfter, clippedFraction]) as tf.Tensor1D };
}
