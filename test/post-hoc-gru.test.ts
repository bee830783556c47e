import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { gruLastState, gruStates, sequenceBatch } from '../core/metrics/post-hoc-gru';
import { SeededRandom } from '../core/util/seeded-random';

test.before(async () => void (await selectBackend('wasm')));

for (const every of [false, true]) {
test(`the hand-written backward pass through time agrees with tfjs's autodiff of TF1's GRUCell (${every ? 'every state' : 'last state'} as output)`, () => {
  const samples = 6;
  const steps = 5;
  const inputs = 3;
  const hidden = 2;
  const random = new SeededRandom(21);
  const normal = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b) }, () => random.nextNormal()), shape);
  const data = Float32Array.from({ length: samples * steps * inputs }, () => random.next());
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    // TF's variables: gates/kernel [F + H, 2H] (columns r, u), gates/bias, candidate/kernel, candidate/bias.
    const tfWeights = [normal([inputs + hidden, 2 * hidden]), normal([2 * hidden]), normal([inputs + hidden, hidden]), normal([hidden])];
    const probe = normal([every ? steps * samples : samples, hidden]);

    // rnn_cell_impl.GRUCell.call, line by line, over x_t = data[:, t, :].
    const tfCell = (gateKernel: tf.Tensor, gateBias: tf.Tensor, candidateKernel: tf.Tensor, candidateBias: tf.Tensor) => {
      let state: tf.Tensor = tf.zeros([samples, hidden]);
      const states: tf.Tensor[] = [];
      for (let time = 0; time < steps; time++) {
        const input = tf.tensor2d(Array.from({ length: samples * inputs }, (_, index) => data[(Math.floor(index / inputs) * steps + time) * inputs + (index % inputs)]), [samples, inputs]);
        const [reset, update] = tf.split(tf.sigmoid(tf.add(tf.matMul(tf.concat([input, state], 1), gateKernel), gateBias)), 2, 1);
        const candidate = tf.tanh(tf.add(tf.matMul(tf.concat([input, tf.mul(reset, state)], 1), candidateKernel), candidateBias));
        state = tf.add(tf.mul(update, state), tf.mul(tf.sub(1, update), candidate));
        states.push(state);
      }
      return tf.sum(tf.mul(every ? tf.concat(states, 0) : state, probe));
    };
    // The same variables cut as GruWeights documents.
    const batch = sequenceBatch([{ samples: data, rows: Array.from({ length: samples }, (_, row) => row) }], steps, inputs);
    const ours = (gateKernel: tf.Tensor, gateBias: tf.Tensor, candidateKernel: tf.Tensor, candidateBias: tf.Tensor) => {
      const [gateInputRows, gateRecurrentRows] = tf.split(gateKernel, [inputs, hidden], 0);
      const [resetInput, updateInput] = tf.split(tf.concat([gateInputRows, tf.reshape(gateBias, [1, 2 * hidden])], 0), 2, 1);
      const [resetRecurrent, updateRecurrent] = tf.split(gateRecurrentRows, 2, 1);
      const [candidateInputRows, candidateRecurrent] = tf.split(candidateKernel, [inputs, hidden], 0);
      const candidateInput = tf.concat([candidateInputRows, tf.reshape(candidateBias, [1, hidden])], 0);
      const weights = { resetInput, updateInput, candidateInput, resetRecurrent, updateRecurrent, candidateRecurrent };
      return tf.sum(tf.mul(every ? gruStates(batch, weights) : gruLastState(batch, weights), probe));
    };

    const expected = tf.valueAndGrads((...weights: tf.Tensor[]) => tfCell(weights[0], weights[1], weights[2], weights[3]) as tf.Scalar)(tfWeights);
    const actual = tf.valueAndGrads((...weights: tf.Tensor[]) => ours(weights[0], weights[1], weights[2], weights[3]) as tf.Scalar)(tfWeights);
    const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
      const difference = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      const scale = tf.max(tf.abs(b)).dataSync()[0];
      assert.ok(difference <= 1e-5 * Math.max(1, scale), `${what}: differs by ${difference} (scale ${scale})`);
    };
    close(actual.value, expected.value, 'value');
    ['gates/kernel', 'gates/bias', 'candidate/kernel', 'candidate/bias'].forEach((name, index) => close(actual.grads[index], expected.grads[index], `∂/∂${name}`));
  });
  assert.equal(tf.memory().numTensors, before);
});
}
