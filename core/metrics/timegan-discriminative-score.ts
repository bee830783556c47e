import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients (tfjs-core's CommonJS bundle has none) and our BatchMatMul one.
import '../model/plain-matmul-gradient';
import { drawWithoutReplacement, gruLastState, sequenceBatch, tf1Adam, tf1GruVariables, glorotUniform, type SequenceBatch } from './post-hoc-gru';
import { scoreFromTestLogits, splitRealAndGenerated } from './real-generated-split';
import { positiveInteger, rowCount } from './sample-arguments';

/**
 * The "discriminative score" exactly as TimeGAN's released code computes it
 * (Yoon et al. 2019, metrics/discriminative_metrics.py), so that ganpipe's figures can
 * stand next to published ones. docs/metrics.md says how it differs from our own
 * `discriminativeScore` (core/metrics/discriminative-score.ts), which is the one used
 * during training; this one takes about 15 s per call on wasm for sines-sized inputs
 * and is for bench/spatiotemporal.ts.
 *
 * The protocol, as in TimeGAN:
 * - each set is shuffled and split, train_test_divide style, into the first
 *   ⌊n·(1 − testFraction)⌋ samples for training and the rest for the test; unlike
 *   TimeGAN, the larger set is first cut (seeded random choice) to the smaller one's
 *   size, so the test accuracy is over equal numbers of real and generated samples;
 * - no input standardisation: TimeGAN feeds its data min–max normalised to [0, 1] and
 *   the classifier sees them as they are, so callers should pass data on that scale;
 * - a one-layer GRU with ⌊features/2⌋ units (TimeGAN's `hidden_dim = int(dim/2)`, at
 *   least 1) runs over the whole sequence from h = 0; its last state goes through a dense
 *   layer to one logit;
 * - loss = mean sigmoid cross-entropy over the real minibatch (label 1) + the same over
 *   the generated one (label 0), minimised by Adam with TF1's defaults;
 * - each iteration draws `batchSize` real and `batchSize` generated training samples,
 *   each without replacement (TimeGAN's batch_generator: a fresh random permutation per
 *   call, first batch_size of it);
 * - a test sample is "real" when sigmoid(logit) > 0.5, i.e. logit > 0;
 *   score = |accuracy − 0.5|.
 * TimeGAN's own randomness is numpy's and TF's unseeded; here one seed drives it all.
 */
export interface TimeganDiscriminativeScoreOptions {
  /** Seeds the subsample, the split, the initial weights and the minibatches. */
  seed: number;
  /** Adam steps; TimeGAN's 2000. */
  iterations?: number;
  /** Samples of each class per step; TimeGAN's 128. */
  batchSize?: number;
  /** GRU units; TimeGAN's int(features / 2), here at least 1. */
  hiddenUnits?: number;
  /** Share of each class held out for the test accuracy; TimeGAN's 0.2. */
  testFraction?: number;
}

export interface TimeganDiscriminativeScore {
  /** |testAccuracy − 0.5|, in [0, 0.5]; NaN when a sample holds a NaN or an infinity. */
  score: number;
  testAccuracy: number;
  /** Held-out samples, half real and half generated. */
  testCount: number;
}

const defaults = { iterations: 2000, batchSize: 128, testFraction: 0.2 };

/**
 * Trains TimeGAN's post-hoc GRU classifier on real (label 1) against generated (label 0)
 * sequences and reports |held-out accuracy − 0.5|. `real` and `generated` are row-major
 * [count, length, features]. Deterministic for a given seed on a given backend; leaves
 * no tensor behind.
 */
export async function timeganDiscriminativeScore(
  real: Float32Array,
  generated: Float32Array,
  length: number,
  features: number,
  options: TimeganDiscriminativeScoreOptions,
): Promise<TimeganDiscriminativeScore> {
  positiveInteger(length, 'length');
  positiveInteger(features, 'features');
  const iterations = positiveInteger(options.iterations ?? defaults.iterations, 'iterations');
  const batchSize = positiveInteger(options.batchSize ?? defaults.batchSize, 'batchSize');
  const hidden = positiveInteger(options.hiddenUnits ?? Math.max(1, Math.floor(features / 2)), 'hiddenUnits');
  const testFraction = options.testFraction ?? defaults.testFraction;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be strictly between 0 and 1, got ${testFraction}`);

  const sampleSize = length * features;
  const realCount = rowCount(real, sampleSize, 'real', `samples of length × features = ${sampleSize}`);
  const generatedCount = rowCount(generated, sampleSize, 'generated', `samples of length × features = ${sampleSize}`);
  // train_test_divide: train_idx = idx[:int(no * train_rate)], the rest is the test.
  const split = splitRealAndGenerated({ real, generated, realCount, generatedCount }, testFraction, (perClass) => perClass - Math.floor(perClass * (1 - testFraction)), options.seed);
  if (!split.finite) return { score: NaN, testAccuracy: NaN, testCount: 2 * split.testPerClass };
  const { trainPerClass, testPerClass, realOrder, generatedOrder, random } = split;
  // The samples go in as they are, without standardisation: see the protocol above.
  const trainingReal = realOrder.slice(0, trainPerClass);
  const trainingGenerated = generatedOrder.slice(0, trainPerClass);

  const variables: tf.Variable[] = [];
  const tensors: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | undefined;
  try {
    const gru = tf1GruVariables(features, hidden, random);
    variables.push(...gru.variables);
    // tf.contrib.layers.fully_connected: Xavier (Glorot) uniform weights, zero bias.
    const outputKernel = tf.tidy(() => tf.variable(glorotUniform([hidden, 1], random.nextSeed())));
    variables.push(outputKernel);
    const outputBias = tf.tidy(() => tf.variable(tf.zeros([1])));
    variables.push(outputBias);
    const logitsOf = (batch: SequenceBatch): tf.Tensor1D =>
      tf.reshape(tf.add(tf.matMul(gruLastState(batch, gru), outputKernel), outputBias), [-1]);

    const perClassInBatch = Math.min(batchSize, trainPerClass);
    // Sigmoid cross-entropy from logits is softplus(−z) for label 1 and softplus(z) for
    // label 0; TimeGAN's loss, mean over the real minibatch + mean over the generated
    // one, is then Σ softplus(sign · z) / batch, sign −1 for real and +1 for generated.
    const labelSigns = tf.tidy(() => tf.concat([tf.fill([perClassInBatch], -1), tf.fill([perClassInBatch], 1)]));
    tensors.push(labelSigns);
    optimizer = tf.train.adam(tf1Adam.learningRate, tf1Adam.beta1, tf1Adam.beta2, tf1Adam.epsilon);
    const activeOptimizer = optimizer;

    for (let iteration = 0; iteration < iterations; iteration++) {
      const realRows = drawWithoutReplacement(trainingReal, perClassInBatch, random);
      const generatedRows = drawWithoutReplacement(trainingGenerated, perClassInBatch, random);
      tf.tidy(() => {
        const batch = sequenceBatch([{ samples: real, rows: realRows }, { samples: generated, rows: generatedRows }], length, features);
        const { grads } = tf.variableGrads(
          () => tf.div(tf.sum(tf.softplus(tf.mul(logitsOf(batch), labelSigns))), perClassInBatch) as tf.Scalar,
          variables,
        );
        activeOptimizer.applyGradients(grads);
      });
    }

    const testLogits = tf.tidy(() =>
      logitsOf(sequenceBatch([{ samples: real, rows: realOrder.subarray(trainPerClass) }, { samples: generated, rows: generatedOrder.subarray(trainPerClass) }], length, features)),
    );
    tensors.push(testLogits);
    // Real samples come first.
    return scoreFromTestLogits(await testLogits.data(), (sample) => sample < testPerClass);
  } finally {
    for (const tensor of tensors) tensor.dispose();
    for (const variable of variables) variable.dispose();
    optimizer?.dispose();
  }
}
