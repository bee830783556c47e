import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '../util/seeded-random';
import { drawWithoutReplacement, glorotUniform, gruStates, sequenceBatch, tf1Adam, tf1GruVariables, type SequenceBatch } from './post-hoc-gru';
import { positiveInteger, rowCount } from './sample-arguments';

/**
 * The "predictive score" exactly as TimeGAN's released code computes it (Yoon et al.
 * 2019, metrics/predictive_metrics.py): train on synthetic, test on real.
 *
 * - a one-layer GRU with ⌊features/2⌋ units (tanh, TF1's GRUCell) reads the first
 *   features − 1 features of steps 0…L−2 and, at every step, a dense layer and a sigmoid
 *   predict the last feature one step ahead (steps 1…L−1);
 * - it trains on the generated sequences only: `iterations` (5,000) Adam steps with TF1's
 *   defaults on minibatches of 128 drawn without replacement (a fresh permutation per
 *   step), minimising the mean absolute error;
 * - the score is its mean absolute error on every real sequence: lower is better, and a
 *   generator whose sequences carry the real ones' cross-feature and temporal structure
 *   gets close to what a predictor trained on real data achieves.
 * No input standardisation: TimeGAN feeds data min–max normalised to [0, 1] (the sigmoid
 * output assumes it). TimeGAN's randomness is unseeded; here one seed drives it all.
 * Published on sines: TimeGAN 0.093 ± 0.019, and 0.094 for the real data itself.
 */
export interface TimeganPredictiveScoreOptions {
  /** Seeds the initial weights and the minibatches. */
  seed: number;
  /** Adam steps; TimeGAN's 5000. */
  iterations?: number;
  /** Sequences per step; TimeGAN's 128. */
  batchSize?: number;
  /** GRU units; TimeGAN's int(features / 2), here at least 1. */
  hiddenUnits?: number;
}

const defaults = { iterations: 5000, batchSize: 128 };

/** Inputs (the first F − 1 features of steps 0…L−2) and targets (the last feature of steps 1…L−1). */
function inputsAndTargets(samples: Float32Array, count: number, length: number, features: number): { inputs: Float32Array; targets: Float32Array } {
  const inputFeatures = features - 1;
  const inputs = new Float32Array(count * (length - 1) * inputFeatures);
  const targets = new Float32Array(count * (length - 1));
  for (let sample = 0; sample < count; sample++) {
    for (let time = 0; time < length - 1; time++) {
      const from = (sample * length + time) * features;
      inputs.set(samples.subarray(from, from + inputFeatures), (sample * (length - 1) + time) * inputFeatures);
      targets[sample * (length - 1) + time] = samples[from + features + features - 1];
    }
  }
  return { inputs, targets };
}

/** The targets of `rows`, time-major as gruStates stacks its states: row t · rows + s. */
function timeMajorTargets(targets: Float32Array, rows: ArrayLike<number>, steps: number): tf.Tensor2D {
  const values = new Float32Array(steps * rows.length);
  for (let position = 0; position < rows.length; position++) {
    for (let time = 0; time < steps; time++) values[time * rows.length + position] = targets[rows[position] * steps + time];
  }
  return tf.tensor2d(values, [steps * rows.length, 1]);
}

/**
 * Trains TimeGAN's post-hoc GRU predictor on `generated` and returns its mean absolute
 * error on `real` (both row-major [count, length, features], values in [0, 1]).
 * NaN when either set holds a NaN or an infinity. Deterministic for a given seed on a
 * given backend; leaves no tensor behind.
 */
export async function timeganPredictiveScore(real: Float32Array, generated: Float32Array, length: number, features: number, options: TimeganPredictiveScoreOptions): Promise<number> {
  positiveInteger(length, 'length');
  positiveInteger(features, 'features');
  if (length < 2) throw new Error(`the predictive score needs sequences of at least 2 steps (got ${length})`);
  if (features < 2) throw new Error(`the predictive score predicts the last feature from the others: it needs at least 2 features (got ${features})`);
  const iterations = positiveInteger(options.iterations ?? defaults.iterations, 'iterations');
  const batchSize = positiveInteger(options.batchSize ?? defaults.batchSize, 'batchSize');
  const hidden = positiveInteger(options.hiddenUnits ?? Math.max(1, Math.floor(features / 2)), 'hiddenUnits');
  const sampleSize = length * features;
  const realCount = rowCount(real, sampleSize, 'real', `samples of length × features = ${sampleSize}`);
  const generatedCount = rowCount(generated, sampleSize, 'generated', `samples of length × features = ${sampleSize}`);
  if (realCount === 0 || generatedCount === 0) throw new Error(`the predictive score needs real and generated sequences (got ${realCount} and ${generatedCount})`);
  if (!real.every(Number.isFinite) || !generated.every(Number.isFinite)) return NaN;

  const steps = length - 1;
  const inputFeatures = features - 1;
  const training = inputsAndTargets(generated, generatedCount, length, features);
  const test = inputsAndTargets(real, realCount, length, features);
  const random = new SeededRandom(options.seed);
  const pool = Int32Array.from({ length: generatedCount }, (_, index) => index);
  const perBatch = Math.min(batchSize, generatedCount);

  const gru = tf1GruVariables(inputFeatures, hidden, random);
  // tf.layers.dense: Glorot-uniform kernel, zero bias.
  const outputKernel = tf.tidy(() => tf.variable(glorotUniform([hidden, 1], random.nextSeed())));
  const outputBias = tf.tidy(() => tf.variable(tf.zeros([1])));
  const variables = [...gru.variables, outputKernel, outputBias];
  const optimizer: tf.Optimizer = tf.train.adam(tf1Adam.learningRate, tf1Adam.beta1, tf1Adam.beta2, tf1Adam.epsilon);
  // The batch is made outside variableGrads' scope: gruStates' backward pass reads it.
  const predict = (batch: SequenceBatch) => tf.sigmoid(tf.add(tf.matMul(gruStates(batch, gru), outputKernel), outputBias));
  const batchOf = (source: Float32Array, rows: ArrayLike<number>) => sequenceBatch([{ samples: source, rows }], steps, inputFeatures);
  try {
    for (let iteration = 0; iteration < iterations; iteration++) {
      const rows = drawWithoutReplacement(pool, perBatch, random);
      tf.tidy(() => {
        const targets = timeMajorTargets(training.targets, rows, steps);
        const batch = batchOf(training.inputs, rows);
        const { grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(predict(batch), targets))) as tf.Scalar, variables);
        optimizer.applyGradients(grads);
      });
    }
    // Every real sequence has the same length, so TimeGAN's mean of per-sequence MAEs is the overall mean.
    const error = tf.tidy(() => {
      const rows = Int32Array.from({ length: realCount }, (_, index) => index);
      return tf.mean(tf.abs(tf.sub(predict(batchOf(test.inputs, rows)), timeMajorTargets(test.targets, rows, steps))));
    });
    const [score] = await error.data();
    error.dispose();
    return score;
  } finally {
    variables.forEach((variable) => variable.dispose());
    optimizer.dispose();
  }
}
