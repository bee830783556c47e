import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blobs } from '../core/data/blobs';
import { seattleWeather } from '../core/data/seattle-weather';
import { sines } from '../core/data/sines';
import { isGanpipeError } from '../core/errors';
import { SeededRandom } from '../core/util/seeded-random';

test('sines: shape [24, 5], names, values in [0, 1], same seed same samples', () => {
  const dataset = sines();
  assert.equal(dataset.kind, 'sequence');
  assert.deepEqual(dataset.sampleShape, [24, 5]);
  assert.deepEqual(dataset.featureNames, ['sine0', 'sine1', 'sine2', 'sine3', 'sine4']);
  assert.equal(dataset.modeCount, undefined);
  assert.equal(dataset.assignModes, undefined);
  const batch = dataset.sample(100, new SeededRandom(7));
  assert.equal(batch.length, 100 * 24 * 5);
  assert.ok(batch.every((value) => value >= 0 && value <= 1));
  assert.deepEqual(batch, dataset.sample(100, new SeededRandom(7)));
  assert.notDeepEqual(batch, dataset.sample(100, new SeededRandom(8)));
  assert.deepEqual(sines({ length: 10, features: 2 }).sampleShape, [10, 2]);
});

test('sines: every feature is (sin(2π f j/L + θ) + 1)/2 with f, θ spread over [0, 1]', () => {
  const [length, features, count] = [24, 5, 400];
  const dataset = sines();
  for (const batch of [dataset.sample(count, new SeededRandom(1)), dataset.evaluationSample(count, new SeededRandom(2))]) {
    const frequencies: number[] = [];
    const phases: number[] = [];
    for (let sample = 0; sample < count; sample++) {
      for (let feature = 0; feature < features; feature++) {
        const at = (step: number) => batch[sample * length * features + step * features + feature];
        // θ ≤ 1 and 2π f/L + θ ≤ 1.27 < π/2, so asin recovers both from the first two steps.
        const phase = Math.asin(2 * at(0) - 1);
        const frequency = ((Math.asin(2 * at(1) - 1) - phase) * length) / (2 * Math.PI);
        for (let step = 0; step < length; step++) {
          const expected = (Math.sin((2 * Math.PI * frequency * step) / length + phase) + 1) / 2;
          assert.ok(Math.abs(at(step) - expected) < 1e-4, `sample ${sample} feature ${feature} step ${step}`);
        }
        frequencies.push(frequency);
        phases.push(phase);
      }
    }
    for (const drawn of [frequencies, phases]) {
      assert.ok(Math.min(...drawn) > -1e-3 && Math.max(...drawn) < 1 + 1e-3);
      assert.ok(Math.min(...drawn) < 0.05 && Math.max(...drawn) > 0.95, 'draws cover [0, 1]');
      assert.ok(Math.abs(drawn.reduce((sum, value) => sum + value, 0) / drawn.length - 0.5) < 0.05, 'draws average 0.5');
    }
  }
});

const [frames, height, width, blobStd] = [8, 16, 16, 1.5];
const sampleLength = frames * height * width;

/** One blob moving in a straight line, drawn independently of the dataset's code. */
function movingBlob(start: [number, number], velocity: readonly [number, number], scale = 1): Float32Array {
  const values = new Float32Array(sampleLength);
  for (let frame = 0; frame < frames; frame++) {
    const [centreX, centreY] = [start[0] + frame * velocity[0], start[1] + frame * velocity[1]];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        values[frame * height * width + y * width + x] = scale * Math.exp(-((x - centreX) ** 2 + (y - centreY) ** 2) / (2 * blobStd ** 2));
      }
    }
  }
  return values;
}

test('blobs: shape [8, 16, 16], values in [0, 1], one whole blob per frame', () => {
  const dataset = blobs();
  assert.equal(dataset.kind, 'field');
  assert.deepEqual(dataset.sampleShape, [frames, height, width]);
  assert.equal(dataset.modeCount, 8);
  assert.equal(dataset.velocities.length, 8);
  for (const [x, y] of dataset.velocities) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 1e-12);
  assert.ok(Math.abs(dataset.velocities[2][0]) < 1e-12 && dataset.velocities[2][1] === 1);

  const batch = dataset.sample(50, new SeededRandom(3));
  assert.equal(batch.length, 50 * sampleLength);
  assert.ok(batch.every((value) => value >= 0 && value <= 1));
  for (let frame = 0; frame < 50 * frames; frame++) {
    const pixels = batch.subarray(frame * height * width, (frame + 1) * height * width);
    // The centre is within half a pixel of some pixel on each axis: its peak is at least exp(−0.5²·2/2σ²).
    assert.ok(Math.max(...pixels) > 0.89, `frame ${frame} has no blob centre`);
    // At least 2σ from the outermost pixel centres, the blob's edge pixels are faint.
    for (let index = 0; index < width; index++) {
      for (const edge of [pixels[index], pixels[(height - 1) * width + index], pixels[index * width], pixels[index * width + width - 1]]) {
        assert.ok(edge < Math.exp(-2) + 1e-6, `frame ${frame}: the blob touches the border`);
      }
    }
  }
});

test('blobs: real samples are high quality and spread evenly over all eight velocities', () => {
  const dataset = blobs();
  for (const batch of [dataset.sample(400, new SeededRandom(4)), dataset.evaluationSample(400, new SeededRandom(5))]) {
    const { nearest, highQuality } = dataset.assignModes(batch, 400);
    assert.ok(highQuality.reduce((sum, flag) => sum + flag, 0) >= 396, 'at least 99 % high quality');
    const perMode = Array.from({ length: 8 }, (_, mode) => nearest.filter((assigned) => assigned === mode).length);
    assert.ok(perMode.every((count) => count >= 25 && count <= 75), `roughly 50 per mode: ${perMode}`);
  }
});

test('blobs: a blob moving with v_3 is mode 3; wrong speed, direction, mass or no motion is not high quality', () => {
  const dataset = blobs();
  const v3 = dataset.velocities[3]; // (cos 135°, sin 135°): left and down
  const between3And4 = [Math.cos((3.5 * Math.PI) / 4), Math.sin((3.5 * Math.PI) / 4)] as const;
  const cases: [string, Float32Array, number, number][] = [
    ['v_3', movingBlob([11, 4], v3), 3, 1],
    ['v_3 at a third of the mass', movingBlob([11, 4], v3, 1 / 3), 3, 0],
    ['twice v_3', movingBlob([13, 3], [2 * v3[0], 2 * v3[1]]), 3, 0],
    ['halfway between v_3 and v_4', movingBlob([11, 6], between3And4), -1, 0],
    ['static', movingBlob([8, 8], [0, 0]), -1, 0],
  ];
  for (const [label, sample, mode, quality] of cases) {
    const { nearest, highQuality } = dataset.assignModes(sample, 1);
    if (mode !== -1) assert.equal(nearest[0], mode, label);
    assert.equal(highQuality[0], quality, label);
  }
});

test('blobs: noise, an empty field and NaN are not blobs', () => {
  const dataset = blobs();
  const random = new SeededRandom(6);
  const noise = Float32Array.from({ length: sampleLength }, () => random.next());
  const empty = new Float32Array(sampleLength);
  const withNaN = movingBlob([11, 4], dataset.velocities[3]);
  withNaN[100] = NaN;
  const { nearest, highQuality } = dataset.assignModes(Float32Array.from([...noise, ...empty, ...withNaN]), 3);
  assert.deepEqual([...highQuality], [0, 0, 0]);
  assert.deepEqual([...nearest.subarray(1)], [-1, -1], 'an empty or NaN sample has no nearest mode');
});

test('blobs: options that would push the blob off the grid are config errors', () => {
  assert.throws(
    () => blobs({ speed: 3 }),
    (error: unknown) =>
      isGanpipeError(error) &&
      error.code === 'GANPIPE_CONFIG_INVALID' &&
      /cannot stay 2σ = 3 px from the border of a 16×16 grid/.test(error.message),
  );
  assert.deepEqual(blobs({ frames: 4, height: 12, width: 20, velocityCount: 4 }).sampleShape, [4, 12, 20]);
});

test('seattle-weather: 8,759 hourly rows make 8,736 day windows of pressure, temperature, wind in [0, 1]', () => {
  const dataset = seattleWeather();
  assert.equal(dataset.name, 'seattle-weather');
  assert.equal(dataset.kind, 'sequence');
  assert.deepEqual(dataset.sampleShape, [24, 3]);
  assert.deepEqual(dataset.featureNames, ['pressure', 'temperature', 'wind']);
  assert.equal(dataset.trainingWindowCount + dataset.heldOutWindowCount, 8736);
  assert.equal(dataset.heldOutWindowCount, Math.ceil(0.2 * 8736));
  const [pressure] = dataset.normalisation;
  assert.ok(pressure.min > 950 && pressure.max < 1050 && pressure.min < pressure.max, `pressure ${pressure.min}–${pressure.max} hPa`);
  for (const batch of [dataset.sample(64, new SeededRandom(1)), dataset.evaluationSample(64, new SeededRandom(2))]) {
    assert.equal(batch.length, 64 * 24 * 3);
    assert.ok(batch.every((value) => value >= 0 && value <= 1));
  }
});
