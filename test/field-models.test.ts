import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { AdvectionGenerator } from '../core/model/advection-generator';
import { framesAsChannels } from '../core/model/frames-as-channels-discriminator';
import { minibatchDeviation } from '../core/model/minibatch-deviation';
import { SeededRandom } from '../core/util/seeded-random';

test.before(async () => void (await selectBackend('wasm')));

/** A generator whose content and velocity are set by hand (its dense layers' weights). */
function advectionWith(content: number[], velocity: [number, number], shape: [number, number, number]): AdvectionGenerator {
  const generator = new AdvectionGenerator('generator', 1, shape, [1], new SeededRandom(1));
  const set = (name: string, values: number[], layerShape: number[]) => generator.variables.find((variable) => variable.name === `generator/${name}`)!.variable.assign(tf.tensor(values, layerShape));
  const [, height, width] = shape;
  const cells = (height / 2) * (width / 2);
  // h = relu(z·1 + 0) = 1 for z = 1; content = h·W + b with W = 0, so content = b; velocity = b.
  set('dense0/kernel', [1], [1, 1]);
  set('dense0/bias', [0], [1]);
  set('content/kernel', new Array(cells).fill(0), [1, cells]);
  set('content/bias', content, [cells]);
  set('velocity/kernel', [0, 0], [1, 2]);
  set('velocity/bias', velocity, [2]);
  return generator;
}

test('the advection generator carries its content across the frames at its velocity, centred on the middle frame', () => {
  const shape: [number, number, number] = [3, 16, 16];
  // One bright cell in the middle of the 8×8 half-resolution content: far from the edges.
  const content = new Array(64).fill(0);
  content[4 * 8 + 3] = 1;
  const generator = advectionWith(content, [2, -1], shape);
  const frames = tf.tidy(() => generator.apply(tf.ones([1, 1])).arraySync()[0] as number[][][]);
  const centre = (frame: number[][]) => {
    let [mass, x, y] = [0, 0, 0];
    frame.forEach((row, rowIndex) => row.forEach((value, column) => ((mass += value), (x += value * column), (y += value * rowIndex))));
    return [x / mass, y / mass];
  };
  const [before, middle, after] = frames.map(centre);
  // Frame t is shifted by (t − 1)·v: 2 px right and 1 px up per frame.
  assert.ok(Math.abs(after[0] - middle[0] - 2) < 1e-4 && Math.abs(after[1] - middle[1] + 1) < 1e-4, `after ${after}, middle ${middle}`);
  assert.ok(Math.abs(middle[0] - before[0] - 2) < 1e-4 && Math.abs(middle[1] - before[1] + 1) < 1e-4, `before ${before}, middle ${middle}`);
  generator.dispose();
});

test("the advection generator's velocity gets a gradient: D's judgement of the motion reaches it", () => {
  const content = Array.from({ length: 16 }, (_, cell) => (cell === 5 ? 1 : 0));
  const generator = advectionWith(content, [0.3, 0.2], [4, 8, 8]);
  const velocity = generator.variables.find((variable) => variable.name === 'generator/velocity/bias')!.variable;
  const before = tf.memory().numTensors;
  const gradient = tf.tidy(() => {
    // Weights that favour mass on the right half: moving right pays.
    const weights = tf.tensor4d(Array.from({ length: 4 * 64 }, (_, index) => (index % 8 >= 4 ? 1 : 0)), [1, 4, 8, 8]);
    return tf.variableGrads(() => tf.sum(tf.mul(generator.apply(tf.ones([1, 1])), weights)) as tf.Scalar, [velocity]).grads[velocity.name].arraySync() as number[];
  });
  assert.equal(tf.memory().numTensors, before);
  assert.ok(gradient[0] > 0, `∂/∂v_x = ${gradient[0]}`);
  generator.dispose();
});

test('minibatch deviation appends each group its own spread and never mixes groups', () => {
  tf.tidy(() => {
    // Group 1: four identical samples (spread 0); group 2: ±1 around 0 in every feature (spread 1).
    const features = tf.tensor2d([[1, 2], [1, 2], [1, 2], [1, 2], [1, -1], [-1, 1], [1, -1], [-1, 1]]);
    const out = minibatchDeviation(features).arraySync();
    assert.deepEqual(out.map((row) => row.slice(0, 2)), features.arraySync());
    out.slice(0, 4).forEach((row) => assert.ok(Math.abs(row[2]) < 1e-3, `identical group: ${row[2]}`));
    out.slice(4).forEach((row) => assert.ok(Math.abs(row[2] - 1) < 1e-3, `spread group: ${row[2]}`));
    assert.throws(() => minibatchDeviation(tf.zeros([6, 2])), /multiple of 4/);
  });
});

test('frames as channels: cell (y, x) holds every frame of its 2×2 block, channel (row in block, column in block, frame)', () => {
  const [n, frames, height, width] = [2, 3, 4, 6];
  // Each value encodes where it came from: sample·1000 + frame·100 + row·10 + column.
  const input = tf.tensor4d(Array.from({ length: n * frames * height * width }, (_, index) => {
    const [sample, frame, row, column] = [Math.floor(index / (frames * height * width)), Math.floor(index / (height * width)) % frames, Math.floor(index / width) % height, index % width];
    return sample * 1000 + frame * 100 + row * 10 + column;
  }), [n, frames, height, width]);
  const cells = tf.tidy(() => framesAsChannels(input).arraySync());
  for (let sample = 0; sample < n; sample++) {
    for (let y = 0; y < height / 2; y++) {
      for (let x = 0; x < width / 2; x++) {
        const expected = [0, 1].flatMap((rowInBlock) => [0, 1].flatMap((columnInBlock) => Array.from({ length: frames }, (_, frame) => sample * 1000 + frame * 100 + (2 * y + rowInBlock) * 10 + 2 * x + columnInBlock)));
        assert.deepEqual(cells[sample][y][x], expected, `sample ${sample}, cell (${y}, ${x})`);
      }
    }
  }
  input.dispose();
});

test("the advection generator's shift keeps a smooth blob's shape at fractional shifts (Lanczos, not linear interpolation)", () => {
  // Content: a Gaussian of σ = 0.75 cells at half resolution, in the middle of 8×8 cells.
  const content = Array.from({ length: 64 }, (_, cell) => Math.exp(-(((cell % 8) - 3.5) ** 2 + (Math.floor(cell / 8) - 3.5) ** 2) / (2 * 0.75 ** 2)));
  // 0.25 px per frame: frames at −0.875 … +0.875 px, every one a fractional shift.
  const generator = advectionWith(content, [0.25, 0], [8, 16, 16]);
  const frames = tf.tidy(() => generator.apply(tf.ones([1, 1])).arraySync()[0] as number[][][]);
  const spreadAlongRows = (frame: number[][]) => {
    let [mass, moment, second] = [0, 0, 0];
    frame.forEach((row) => row.forEach((value, column) => ((mass += value), (moment += value * column), (second += value * column * column))));
    return second / mass - (moment / mass) ** 2;
  };
  const spreads = frames.map(spreadAlongRows);
  const [least, most] = [Math.min(...spreads), Math.max(...spreads)];
  assert.ok((most - least) / least < 0.02, `the spread flickers from ${least} to ${most} px²`);
  generator.dispose();
});

test('the advection generator stays finite, value and gradient, when a shift lands exactly on whole pixels (velocity 0, and clamped at the edges)', () => {
  const content = Array.from({ length: 16 }, (_, cell) => (cell === 5 ? 1 : 0));
  for (const velocity of [[0, 0], [8, -8], [1, 2]] as [number, number][]) {
    const generator = advectionWith(content, velocity, [4, 8, 8]);
    const variables = generator.trainableVariables();
    const [values, gradients] = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(generator.apply(tf.ones([1, 1])))) as tf.Scalar, variables);
      return [generator.apply(tf.ones([1, 1])).dataSync(), Object.values(grads).flatMap((gradient) => [...gradient.dataSync()]), value.dispose()];
    });
    assert.ok(values.every(Number.isFinite) && gradients.every(Number.isFinite), `velocity ${velocity}: a non-finite value or gradient`);
    generator.dispose();
  }
});
