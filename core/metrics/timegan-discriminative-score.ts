import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients (tfjs-core's CommonJS bundle has none) and our BatchMatMul one.
import '../model/plain-matmul-gradient';
import { SeededRandom } from '../util/seeded-random';
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
 * TF1's tf.train.AdamOptimizer() defaults. tfjs's own default ε is the backend's
 * (1e-7 for float32), so we pass TF1's 1e-8 explicitly. (tfjs adds ε to √v̂, TF1 to
 * √v; with ε this small the difference is far below anything the score resolves.)
 */
const adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };



/** Fisher–Yates with our seeded generator, so the split depends on the seed alone. */

/**
 * Shuffles the first `count` places of `pool` (a partial Fisher–Yates), which leaves there
 * a uniformly random ordered draw without replacement whatever order the pool was in:
 * the same law as TimeGAN's `np.random.permutation(no)[:batch_size]`, at O(batch) cost.
 */
function drawWithoutReplacement(pool: Int32Array, count: number, random: SeededRandom): Int32Array {
  for (let index = 0; index < count; index++) {
    const other = index + random.nextInt(pool.length - index);
    [pool[index], pool[other]] = [pool[other], pool[index]];
  }
  return pool.subarray(0, count);
}

/**
 * Sequences as `gruLastState` reads them. Built on the JS side because on wasm a slice,
 * a gather or a transpose costs several times an arithmetic op (tens of microseconds
 * against a few), while uploading a small array costs about 2 µs.
 */
export interface SequenceBatch {
  /** One [samples, features + 1] tensor per time step; the last column is all 1s and carries the biases. */
  steps: tf.Tensor2D[];
  /** Every step's rows stacked time-major, then transposed: [features + 1, length · samples]. */
  stackedTransposed: tf.Tensor2D;
}

/** The given rows of each source (row-major [count, length, features]), in the order given. */
export function sequenceBatch(sources: { samples: Float32Array; rows: ArrayLike<number> }[], length: number, features: number): SequenceBatch {
  const count = sources.reduce((sum, source) => sum + source.rows.length, 0);
  const width = features + 1;
  const stepValues = new Float32Array(length * count * width);
  const transposedValues = new Float32Array(width * length * count);
  let position = 0;
  for (const { samples, rows } of sources) {
    for (let index = 0; index < rows.length; index++, position++) {
      for (let time = 0; time < length; time++) {
        const from = (rows[index] * length + time) * features;
        const to = (time * count + position) * width;
        const column = time * count + position;
        for (let feature = 0; feature < features; feature++) {
          stepValues[to + feature] = samples[from + feature];
          transposedValues[feature * length * count + column] = samples[from + feature];
        }
        stepValues[to + features] = 1;
        transposedValues[features * length * count + column] = 1;
      }
    }
  }
  const stepSize = count * width;
  return {
    steps: Array.from({ length }, (_, time) => tf.tensor2d(stepValues.subarray(time * stepSize, (time + 1) * stepSize), [count, width])),
    stackedTransposed: tf.tensor2d(transposedValues, [width, length * count]),
  };
}

/**
 * A GRU's weights, one pair of kernels per gate: the rows of TF's gates/kernel and
 * candidate/kernel that multiply the input, with the bias appended as a last row
 * ([features + 1, hidden]), and those that multiply the state ([hidden, hidden]).
 * Per-gate kernels spare the recurrence every split and concat along the gate axis,
 * which on wasm cost tens to hundreds of microseconds each; Adam treats each value on its
 * own, so cutting TF's kernels into pieces changes nothing in the training.
 */
export interface GruWeights {
  resetInput: tf.Tensor;
  updateInput: tf.Tensor;
  candidateInput: tf.Tensor;
  resetRecurrent: tf.Tensor;
  updateRecurrent: tf.Tensor;
  candidateRecurrent: tf.Tensor;
}

/**
 * The last state h_T of TF1's GRUCell run from h₀ = 0 over `batch` (no gradient flows to
 * the data), with the backward pass through time written by hand.
 *
 * Why by hand: on wasm a tfjs op costs microseconds whatever its size, and these tensors
 * are tiny ([256, 2] for sines), so time goes by op count and by avoiding the slow
 * data-movement kernels. tfjs's autodiff of the unrolled cell (TF's layout, one gate
 * matMul and a split per step) ran 1,700 kernels per training step, many of them splits,
 * concats and transposes; this backward pass takes 17 small arithmetic ops per time step
 * and forms each weight gradient in one matMul over all steps. Measured in one run on
 * wasm (sines-sized): 18.5 ms per training step with autodiff, 6.5 ms with this.
 * test/timegan-discriminative-score.test.ts checks it against tfjs's autodiff of the cell.
 */
export function gruLastState(batch: SequenceBatch, weights: GruWeights): tf.Tensor2D {
  const { steps, stackedTransposed } = batch;
  const length = steps.length;
  const samples = steps[0].shape[0];
  const hidden = weights.candidateRecurrent.shape[0];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent] = args.slice(0, 6) as tf.Tensor2D[];
    const save = args[6] as tf.GradSaveFunc;
    let state: tf.Tensor = tf.zeros([samples, hidden]);
    const states: tf.Tensor[] = [];
    const resets: tf.Tensor[] = [];
    const updates: tf.Tensor[] = [];
    const candidates: tf.Tensor[] = [];
    const stateMinusCandidates: tf.Tensor[] = [];
    const resetStates: tf.Tensor[] = [];
    for (const input of steps) {
      const reset = tf.sigmoid(tf.add(tf.matMul(input, resetInput), tf.matMul(state, resetRecurrent)));
      const update = tf.sigmoid(tf.add(tf.matMul(input, updateInput), tf.matMul(state, updateRecurrent)));
      const resetState = tf.mul(reset, state);
      const candidate = tf.tanh(tf.add(tf.matMul(input, candidateInput), tf.matMul(resetState, candidateRecurrent)));
      // u ⊙ h + (1 − u) ⊙ c as c + u ⊙ (h − c): one op fewer, and h − c is ∂h'/∂u.
      const stateMinusCandidate = tf.sub(state, candidate);
      states.push(state);
      resets.push(reset);
      updates.push(update);
      candidates.push(candidate);
      stateMinusCandidates.push(stateMinusCandidate);
      resetStates.push(resetState);
      state = tf.add(candidate, tf.mul(update, stateMinusCandidate));
    }
    // Everything the backward pass reads goes through `save`: anything else created here,
    // and the inputs themselves when they are not variables, is gone by then.
    save([resetRecurrent, updateRecurrent, candidateRecurrent, ...states, ...resets, ...updates, ...candidates, ...stateMinusCandidates, ...resetStates]);

    // With a_r, a_u, a_c the pre-activations of r, u, c and δ = ∂loss/∂h':
    //   ∂/∂a_c = δ (1 − u)(1 − c²)      ∂/∂a_u = δ (h − c) u (1 − u)
    //   ∂/∂(r ⊙ h) = ∂/∂a_c U_cᵀ       ∂/∂a_r = ∂/∂(r ⊙ h) ⊙ (r ⊙ h)(1 − r)
    //   ∂/∂h = δ u + ∂/∂(r ⊙ h) ⊙ r + ∂/∂a_r U_rᵀ + ∂/∂a_u U_uᵀ
    // and each kernel's gradient is Σ_t (its input at t)ᵀ ∂/∂a_t.
    const gradFunc = (lastStateGradient: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [resetRecurrentT, updateRecurrentT, candidateRecurrentT] = saved.slice(0, 3).map((kernel) => tf.transpose(kernel));
      const [savedStates, savedResets, savedUpdates, savedCandidates, savedStateMinusCandidates, savedResetStates] = Array.from({ length: 6 }, (_, part) => saved.slice(3 + part * length, 3 + (part + 1) * length));
      const ones = tf.ones([samples, hidden]);
      const resetGradients: tf.Tensor[] = [];
      const updateGradients: tf.Tensor[] = [];
      const candidateGradients: tf.Tensor[] = [];
      let stateGradient = lastStateGradient;
      for (let time = length - 1; time >= 0; time--) {
        const update = savedUpdates[time];
        const reset = savedResets[time];
        const oneMinusUpdate = tf.sub(ones, update);
        const candidateGradient = tf.mul(tf.mul(stateGradient, oneMinusUpdate), tf.sub(ones, tf.square(savedCandidates[time])));
        const updateGradient = tf.mul(tf.mul(stateGradient, savedStateMinusCandidates[time]), tf.mul(update, oneMinusUpdate));
        const resetStateGradient = tf.matMul(candidateGradient, candidateRecurrentT);
        const resetGradient = tf.mul(tf.mul(resetStateGradient, savedResetStates[time]), tf.sub(ones, reset));
        candidateGradients[time] = candidateGradient;
        updateGradients[time] = updateGradient;
        resetGradients[time] = resetGradient;
        if (time > 0) {
          stateGradient = tf.addN([
            tf.mul(stateGradient, update),
            tf.mul(resetStateGradient, reset),
            tf.matMul(resetGradient, resetRecurrentT),
            tf.matMul(updateGradient, updateRecurrentT),
          ]);
        }
      }
      const stacked = (perStep: tf.Tensor[]) => tf.reshape(tf.stack(perStep), [length * samples, hidden]);
      const [resetStacked, updateStacked, candidateStacked] = [resetGradients, updateGradients, candidateGradients].map(stacked);
      const statesT = tf.transpose(stacked(savedStates));
      return [
        tf.matMul(stackedTransposed, resetStacked),
        tf.matMul(stackedTransposed, updateStacked),
        tf.matMul(stackedTransposed, candidateStacked),
        tf.matMul(statesT, resetStacked),
        tf.matMul(statesT, updateStacked),
        tf.matMul(tf.transpose(stacked(savedResetStates)), candidateStacked),
      ];
    };
    return { value: state, gradFunc };
  });
  const { resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent } = weights;
  return run(resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent) as tf.Tensor2D;
}

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
  const testCount = 2 * testPerClass;

  const glorotUniform = (shape: [number, number], seed: number) => {
    const limit = Math.sqrt(6 / (shape[0] + shape[1]));
    return tf.randomUniform(shape, -limit, limit, 'float32', seed);
  };
  const variables: tf.Variable[] = [];
  const tensors: tf.Tensor[] = [];
  let optimizer: tf.Optimizer | undefined;
  try {
    // TF1's GRUCell (rnn_cell_impl.py), with x the input at one step and h the state:
    //   r  = σ(x W_r + h U_r + b_r)              reset gate
    //   u  = σ(x W_u + h U_u + b_u)              update gate
    //   c  = tanh(x W_c + (r ⊙ h) U_c + b_c)     candidate
    //   h' = u ⊙ h + (1 − u) ⊙ c,                h₀ = 0.
    // TF keeps [W_r W_u; U_r U_u] as one "gates/kernel" of shape [F + H, 2H] and
    // [W_c; U_c] as "candidate/kernel" [F + H, H], both Glorot-uniform over those whole
    // shapes (get_variable's default initialiser), the gate bias [b_r b_u] at 1.0
    // (GRUCell's default when no bias_initializer is given) and b_c at 0. We draw them in
    // those shapes, so the limits are TF's, then cut them per gate (GruWeights).
    const [resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent] = tf.tidy(() => {
      const gateKernel = glorotUniform([features + hidden, 2 * hidden], random.nextSeed());
      const candidateKernel = glorotUniform([features + hidden, hidden], random.nextSeed());
      const [gateInputRows, gateRecurrentRows] = tf.split(gateKernel, [features, hidden], 0);
      const [candidateInputRows, candidateRecurrentRows] = tf.split(candidateKernel, [features, hidden], 0);
      const withBias = (kernel: tf.Tensor, bias: number) => tf.concat([kernel, tf.fill([1, kernel.shape[1]!], bias)], 0);
      return [
        ...tf.split(withBias(gateInputRows, 1), 2, 1),
        withBias(candidateInputRows, 0),
        ...tf.split(gateRecurrentRows, 2, 1),
        candidateRecurrentRows,
      ].map((initial) => tf.variable(initial));
    });
    const gru: GruWeights = { resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent };
    variables.push(resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent);
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
    optimizer = tf.train.adam(adam.learningRate, adam.beta1, adam.beta2, adam.epsilon);
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
