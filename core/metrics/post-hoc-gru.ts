import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients (tfjs-core's CommonJS bundle has none) and our BatchMatMul one.
import '../model/plain-matmul-gradient';
import type { SeededRandom } from '../util/seeded-random';

/**
 * The post-hoc GRU networks of TimeGAN's released metrics (discriminative_metrics.py,
 * predictive_metrics.py): TF1's GRUCell with its initialisation, a fast backward pass
 * through time, TF1's Adam settings and TimeGAN's minibatch draw. Shared by
 * timegan-discriminative-score.ts (last state → real or generated) and
 * timegan-predictive-score.ts (every state → the next value).
 */

/**
 * TF1's tf.train.AdamOptimizer() defaults. tfjs's own default ε is the backend's
 * (1e-7 for float32), so we pass TF1's 1e-8 explicitly. (tfjs adds ε to √v̂, TF1 to
 * √v; with ε this small the difference is far below anything the score resolves.)
 */
export const tf1Adam = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Shuffles the first `count` places of `pool` (a partial Fisher–Yates), which leaves there
 * a uniformly random ordered draw without replacement whatever order the pool was in:
 * the same law as TimeGAN's `np.random.permutation(no)[:batch_size]`, at O(batch) cost.
 */
export function drawWithoutReplacement(pool: Int32Array, count: number, random: SeededRandom): Int32Array {
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
 * TF1's GRUCell run from h₀ = 0 over `batch` (no gradient flows to the data), with the
 * backward pass through time written by hand: the last state h_T ([samples, hidden]),
 * or with `every` all states h_1…h_T stacked time-major ([length · samples, hidden],
 * row t · samples + s).
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
function runGru(batch: SequenceBatch, weights: GruWeights, every: boolean): tf.Tensor2D {
  const { steps, stackedTransposed } = batch;
  const length = steps.length;
  const samples = steps[0].shape[0];
  const hidden = weights.candidateRecurrent.shape[0];
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent] = args.slice(0, 6) as tf.Tensor2D[];
    const save = args[6] as tf.GradSaveFunc;
    let state: tf.Tensor = tf.zeros([samples, hidden]);
    const states: tf.Tensor[] = [];
    const outputs: tf.Tensor[] = [];
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
      outputs.push(state);
    }
    // Everything the backward pass reads goes through `save`: anything else created here,
    // and the inputs themselves when they are not variables, is gone by then.
    save([resetRecurrent, updateRecurrent, candidateRecurrent, ...states, ...resets, ...updates, ...candidates, ...stateMinusCandidates, ...resetStates]);

    // With a_r, a_u, a_c the pre-activations of r, u, c and δ = ∂loss/∂h':
    //   ∂/∂a_c = δ (1 − u)(1 − c²)      ∂/∂a_u = δ (h − c) u (1 − u)
    //   ∂/∂(r ⊙ h) = ∂/∂a_c U_cᵀ       ∂/∂a_r = ∂/∂(r ⊙ h) ⊙ (r ⊙ h)(1 − r)
    //   ∂/∂h = δ u + ∂/∂(r ⊙ h) ⊙ r + ∂/∂a_r U_rᵀ + ∂/∂a_u U_uᵀ
    // and each kernel's gradient is Σ_t (its input at t)ᵀ ∂/∂a_t.
    const gradFunc = (outputGradient: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [resetRecurrentT, updateRecurrentT, candidateRecurrentT] = saved.slice(0, 3).map((kernel) => tf.transpose(kernel));
      const [savedStates, savedResets, savedUpdates, savedCandidates, savedStateMinusCandidates, savedResetStates] = Array.from({ length: 6 }, (_, part) => saved.slice(3 + part * length, 3 + (part + 1) * length));
      const ones = tf.ones([samples, hidden]);
      const resetGradients: tf.Tensor[] = [];
      const updateGradients: tf.Tensor[] = [];
      const candidateGradients: tf.Tensor[] = [];
      // With every state an output, each one's gradient joins the flow back through time.
      const stepGradients = every ? tf.split(outputGradient, length, 0) : undefined;
      let stateGradient = stepGradients ? stepGradients[length - 1] : outputGradient;
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
            ...(stepGradients ? [stepGradients[time - 1]] : []),
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
    return { value: every ? tf.concat(outputs, 0) : state, gradFunc };
  });
  const { resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent } = weights;
  return run(resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent) as tf.Tensor2D;
}

/** h_T, [samples, hidden] (see runGru). */
export function gruLastState(batch: SequenceBatch, weights: GruWeights): tf.Tensor2D {
  return runGru(batch, weights, false);
}

/** h_1…h_T stacked time-major, [length · samples, hidden] (see runGru). */
export function gruStates(batch: SequenceBatch, weights: GruWeights): tf.Tensor2D {
  return runGru(batch, weights, true);
}

/** Glorot-uniform over a whole [fanIn, fanOut] shape, TF1's get_variable default. */
export function glorotUniform(shape: [number, number], seed: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

/**
 * A GRU initialised as TF1's GRUCell (rnn_cell_impl.py), with x the input at one step
 * and h the state:
 *   r  = σ(x W_r + h U_r + b_r)              reset gate
 *   u  = σ(x W_u + h U_u + b_u)              update gate
 *   c  = tanh(x W_c + (r ⊙ h) U_c + b_c)     candidate
 *   h' = u ⊙ h + (1 − u) ⊙ c,                h₀ = 0.
 * TF keeps [W_r W_u; U_r U_u] as one "gates/kernel" of shape [F + H, 2H] and
 * [W_c; U_c] as "candidate/kernel" [F + H, H], both Glorot-uniform over those whole
 * shapes (get_variable's default initialiser), the gate bias [b_r b_u] at 1.0
 * (GRUCell's default when no bias_initializer is given) and b_c at 0. We draw them in
 * those shapes, so the limits are TF's, then cut them per gate (GruWeights). The
 * variables are the caller's to dispose.
 */
export function tf1GruVariables(features: number, hidden: number, random: SeededRandom): GruWeights & { variables: tf.Variable[] } {
  const variables = tf.tidy(() => {
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
  const [resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent] = variables;
  return { resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent, variables };
}

