import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients (tfjs-core's CommonJS bundle has none) and our BatchMatMul one.
import '../model/plain-matmul-gradient';
import { scoreFromTestLogits, splitRealAndGenerated } from './real-generated-split';
import { positiveInteger, rowCount } from './sample-arguments';

/**
 * The "discriminative score" of TimeGAN (Yoon et al. 2019), defined in docs/metrics.md:
 * train a fresh classifier, after the fact, to tell real samples from generated ones,
 * and report how far its held-out accuracy is from a coin toss. 0 = the classifier found
 * nothing to tell them apart; 0.5 = it always can.
 *
 * TimeGAN's classifier is a one-layer GRU of ⌊F/2⌋ units over the sequence
 * (timegan-discriminative-score.ts reproduces it); ours is a one-hidden-layer MLP
 * over the flattened sample, which works for sequences and fields alike and costs
 * milliseconds. Figures are comparable with the paper's only loosely.
 */
export interface DiscriminativeScoreOptions {
  /** Seeds the split, the initial weights and the minibatch order. */
  seed: number;
  hiddenUnits?: number;
  trainingSteps?: number;
  batchSize?: number;
  learningRate?: number;
  /** Share of each class held out for the test accuracy. */
  testFraction?: number;
}

export interface DiscriminativeScore {
  /** |testAccuracy − 0.5|, in [0, 0.5]; NaN when a sample holds a NaN or an infinity. */
  score: number;
  testAccuracy: number;
  /** Held-out samples, half real and half generated. */
  testCount: number;
}

const defaults = { hiddenUnits: 32, trainingSteps: 300, batchSize: 64, learningRate: 1e-3, testFraction: 0.2 };



/** Fisher–Yates with our seeded generator, so the split depends on the seed alone. */

/** Rows of `real` and `generated` stacked, real first, with labels 1 (real) and 0. */
function stackRows(real: Float32Array, realRows: Int32Array, generated: Float32Array, generatedRows: Int32Array, dimension: number) {
  const inputs = new Float32Array((realRows.length + generatedRows.length) * dimension);
  const labels = new Float32Array(realRows.length + generatedRows.length);
  realRows.forEach((row, index) => {
    inputs.set(real.subarray(row * dimension, (row + 1) * dimension), index * dimension);
    labels[index] = 1;
  });
  generatedRows.forEach((row, index) => {
    inputs.set(generated.subarray(row * dimension, (row + 1) * dimension), (realRows.length + index) * dimension);
  });
  return { inputs, labels };
}

/**
 * Standardises each coordinate with the mean and std of the training rows (both classes
 * pooled), in place. The same affine map is applied to both classes, so nothing that
 * tells them apart is lost, but a fixed learning rate and step budget now work whatever
 * the data's units (raw temperatures in kelvin would otherwise swamp Adam's 300 steps).
 */
function standardise(training: Float32Array, test: Float32Array, dimension: number): void {
  const rows = training.length / dimension;
  for (let axis = 0; axis < dimension; axis++) {
    let mean = 0;
    for (let row = 0; row < rows; row++) mean += training[row * dimension + axis];
    mean /= rows;
    let variance = 0;
    for (let row = 0; row < rows; row++) variance += (training[row * dimension + axis] - mean) ** 2;
    const std = Math.sqrt(variance / rows);
    const divisor = std > 0 ? std : 1; // a constant coordinate carries no information either way
    for (const values of [training, test]) {
      for (let index = axis; index < values.length; index += dimension) values[index] = (values[index] - mean) / divisor;
    }
  }
}

/**
 * Trains a one-hidden-layer ReLU MLP (Glorot-uniform init, Adam, sigmoid cross-entropy)
 * on equal numbers of real and generated samples and reports |held-out accuracy − 0.5|.
 * The larger set is cut to the smaller one's size by a seeded random choice. Deterministic
 * for a given seed on a given backend; leaves no tensor behind.
 */
export async function discriminativeScore(
  real: Float32Array,
  generated: Float32Array,
  dimension: number,
  options: DiscriminativeScoreOptions,
): Promise<DiscriminativeScore> {
  positiveInteger(dimension, 'dimension');
  const hiddenUnits = positiveInteger(options.hiddenUnits ?? defaults.hiddenUnits, 'hiddenUnits');
  const trainingSteps = positiveInteger(options.trainingSteps ?? defaults.trainingSteps, 'trainingSteps');
  const batchSize = positiveInteger(options.batchSize ?? defaults.batchSize, 'batchSize');
  const learningRate = options.learningRate ?? defaults.learningRate;
  if (!(learningRate > 0)) throw new Error(`learningRate must be positive, got ${learningRate}`);
  const testFraction = options.testFraction ?? defaults.testFraction;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be strictly between 0 and 1, got ${testFraction}`);

  const counts = { realCount: rowCount(real, dimension, 'real'), generatedCount: rowCount(generated, dimension, 'generated') };
  const split = splitRealAndGenerated({ real, generated, ...counts }, testFraction, (perClass) => Math.round(perClass * testFraction), options.seed);
  if (!split.finite) return { score: NaN, testAccuracy: NaN, testCount: 2 * split.testPerClass };
  const { trainPerClass, testPerClass, realOrder, generatedOrder, random } = split;
  const training = stackRows(real, realOrder.subarray(testPerClass), generated, generatedOrder.subarray(testPerClass), dimension);
  const test = stackRows(real, realOrder.subarray(0, testPerClass), generated, generatedOrder.subarray(0, testPerClass), dimension);
  standardise(training.inputs, test.inputs, dimension);
  const trainingCount = 2 * trainPerClass;
  const testCount = 2 * testPerClass;

  const glorotLimit = (fanIn: number, fanOut: number) => Math.sqrt(6 / (fanIn + fanOut));
  const variables: tf.Variable[] = [];
  const tensors: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | undefined;
  try {
    const hiddenKernel = tf.tidy(() => tf.variable(tf.randomUniform([dimension, hiddenUnits], -glorotLimit(dimension, hiddenUnits), glorotLimit(dimension, hiddenUnits), 'float32', random.nextSeed())));
    variables.push(hiddenKernel);
    const hiddenBias = tf.tidy(() => tf.variable(tf.zeros([hiddenUnits])));
    variables.push(hiddenBias);
    const outputKernel = tf.tidy(() => tf.variable(tf.randomUniform([hiddenUnits, 1], -glorotLimit(hiddenUnits, 1), glorotLimit(hiddenUnits, 1), 'float32', random.nextSeed())));
    variables.push(outputKernel);
    const outputBias = tf.tidy(() => tf.variable(tf.zeros([1])));
    variables.push(outputBias);
    const logitsOf = (inputs: tf.Tensor2D): tf.Tensor1D =>
      tf.reshape(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(inputs, hiddenKernel), hiddenBias)), outputKernel), outputBias), [-1]);

    const trainingInputs = tf.tensor2d(training.inputs, [trainingCount, dimension]);
    tensors.push(trainingInputs);
    const trainingLabels = tf.tensor1d(training.labels);
    tensors.push(trainingLabels);
    optimizer = tf.train.adam(learningRate);
    const activeOptimizer = optimizer;

    // Epochs of a seeded permutation, cut into minibatches; a batch never straddles two epochs.
    const rowsPerBatch = Math.min(batchSize, trainingCount);
    let epochOrder = random.permutation(trainingCount);
    let position = 0;
    for (let step = 0; step < trainingSteps; step++) {
      if (position + rowsPerBatch > trainingCount) {
        epochOrder = random.permutation(trainingCount);
        position = 0;
      }
      const batchRows = epochOrder.slice(position, position + rowsPerBatch);
      position += rowsPerBatch;
      tf.tidy(() => {
        const rows = tf.tensor1d(batchRows, 'int32');
        const inputs = tf.gather(trainingInputs, rows) as tf.Tensor2D;
        const labels = tf.gather(trainingLabels, rows);
        // Sigmoid cross-entropy from logits, −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z,
        // which stays finite for any z.
        activeOptimizer.minimize(() => {
          const logits = logitsOf(inputs);
          return tf.mean(tf.sub(tf.softplus(logits), tf.mul(labels, logits))) as tf.Scalar;
        }, false, variables);
      });
    }

    const testLogits = tf.tidy(() => logitsOf(tf.tensor2d(test.inputs, [testCount, dimension])));
    tensors.push(testLogits);
    return scoreFromTestLogits(await testLogits.data(), (row) => test.labels[row] === 1);
  } finally {
    for (const tensor of tensors) tensor.dispose();
    for (const variable of variables) variable.dispose();
    optimizer?.dispose();
  }
}
