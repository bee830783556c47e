import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianPairwiseDistance, rbfMmdSquared } from '../core/metrics/rbf-mmd';
import { acfDistance, meanAutocorrelation } from '../core/metrics/autocorrelation';
import { crossCorrelationDistance, meanCrossCorrelation } from '../core/metrics/cross-correlation';
import { meanPowerSpectrum, psdDistance } from '../core/metrics/power-spectrum';
import { meanMoransI, moransI, moransIDifference } from '../core/metrics/morans-i';
import { SeededRandom } from '../core/util/seeded-random';

const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected} (tolerance ${tolerance})`);
const closeAll = (actual: ArrayLike<number>, expected: number[], tolerance = 1e-12) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, index) => close(actual[index], value, tolerance));
};

function gaussian(count: number, seed: number, mean = 0): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: count }, () => mean + random.nextNormal());
}

/** Multiples of 1/8 in [−4, 4]: 2x + 3 of these is exact in float32, so invariance can be tested tightly. */
function dyadic(count: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: count }, () => (random.nextInt(65) - 32) / 8);
}

// ── RBF MMD ──────────────────────────────────────────────────────────────────

test('MMD²: identical sets give exactly 0, even at a bandwidth where the kernel is far from 0 and 1', () => {
  const samples = gaussian(60 * 7, 1);
  const bandwidth = medianPairwiseDistance(samples, 7);
  assert.equal(rbfMmdSquared(samples, Float32Array.from(samples), 7, bandwidth), 0);
});

test('MMD² of two single points at distance d: 2 − 2·exp(−d²/(2σ²))', () => {
  // [1,2] and [4,6] are 5 apart; σ = 2 → 2 − 2·exp(−25/8).
  const value = rbfMmdSquared(Float32Array.from([1, 2]), Float32Array.from([4, 6]), 2, 2);
  close(value, 2 - 2 * Math.exp(-25 / 8));
});

test('MMD² with unequal counts, by hand: real {a}, generated {a, b} → (1 − e)/2, e = k(a, b)', () => {
  // k̄(r,r) = 1; k̄(g,g) = (1 + 1 + 2e)/4; k̄(r,g) = (1 + e)/2 → 1 + (1+e)/2 − (1+e) = (1 − e)/2.
  const e = Math.exp(-9 / (2 * 1.5 ** 2)); // ‖a − b‖ = 3, σ = 1.5
  const value = rbfMmdSquared(Float32Array.from([0, 0, 0]), Float32Array.from([0, 0, 0, 0, 3, 0]), 3, 1.5);
  close(value, (1 - e) / 2);
});

test('MMD²: the norm expansion agrees with the direct definition on random data, and grows with the shift', () => {
  const dimension = 5;
  const real = gaussian(40 * dimension, 2);
  const generated = gaussian(30 * dimension, 3, 0.7);
  const bandwidth = 1.9;
  const k = (a: Float32Array, i: number, b: Float32Array, j: number) => {
    let squared = 0;
    for (let axis = 0; axis < dimension; axis++) squared += (a[i * dimension + axis] - b[j * dimension + axis]) ** 2;
    return Math.exp(-squared / (2 * bandwidth ** 2));
  };
  const mean = (a: Float32Array, b: Float32Array) => {
    let sum = 0;
    for (let i = 0; i < a.length / dimension; i++) for (let j = 0; j < b.length / dimension; j++) sum += k(a, i, b, j);
    return sum / ((a.length / dimension) * (b.length / dimension));
  };
  const direct = mean(real, real) + mean(generated, generated) - 2 * mean(real, generated);
  close(rbfMmdSquared(real, generated, dimension, bandwidth), direct, 1e-12);
  assert.ok(direct > 0.01);
  const farther = gaussian(30 * dimension, 3, 2);
  assert.ok(rbfMmdSquared(real, farther, dimension, bandwidth) > 3 * direct);
});

test('median pairwise distance: even and odd pair counts, by hand', () => {
  // 1-D points 0, 1, 3, 7: distances 1, 3, 7, 2, 6, 4 → sorted 1 2 3 4 6 7 → (3 + 4)/2.
  assert.equal(medianPairwiseDistance(Float32Array.from([0, 1, 3, 7]), 1), 3.5);
  // 0, 1, 3: distances 1, 3, 2 → 2.
  assert.equal(medianPairwiseDistance(Float32Array.from([0, 1, 3]), 1), 2);
  // 2-D: (0,0), (3,4), (6,8): distances 5, 10, 5 → 5.
  assert.equal(medianPairwiseDistance(Float32Array.from([0, 0, 3, 4, 6, 8]), 2), 5);
});

test('MMD² and the median distance reject bad arguments', () => {
  const two = Float32Array.from([0, 1, 2, 3]);
  assert.throws(() => rbfMmdSquared(two, Float32Array.from([0, 1, 2]), 2, 1), /not a whole number of rows/);
  assert.throws(() => rbfMmdSquared(new Float32Array(0), two, 2, 1), /real is empty/);
  assert.throws(() => rbfMmdSquared(two, new Float32Array(0), 2, 1), /generated is empty/);
  for (const bandwidth of [0, -1, NaN, Infinity]) assert.throws(() => rbfMmdSquared(two, two, 2, bandwidth), /bandwidth/);
  assert.throws(() => rbfMmdSquared(two, two, 0, 1), /dimension/);
  assert.throws(() => medianPairwiseDistance(Float32Array.from([1, 2]), 2), /at least 2 samples/);
});

// ── Autocorrelation ──────────────────────────────────────────────────────────

test('mean ACF by hand: two features interleaved in time, averaged over two samples', () => {
  // Feature 0 = 1 2 3 4: x̄ = 2.5, deviations −1.5 −0.5 0.5 1.5, Σd² = 5.
  //   lag 1: (0.75 − 0.25 + 0.75)/5 = 0.25; lag 2: (−0.75 − 0.75)/5 = −0.3; lag 3: −2.25/5 = −0.45.
  // Feature 1 = 1 −1 1 −1: x̄ = 0, Σd² = 4. lag 1: −3/4; lag 2: 2/4; lag 3: −1/4.
  const first = [1, 1, 2, -1, 3, 1, 4, -1];
  // Second sample: feature 0 reversed (4 3 2 1: same ACF as 1 2 3 4), feature 1 constant (ρ = 0).
  const second = [4, 5, 3, 5, 2, 5, 1, 5];
  const acf = meanAutocorrelation(Float32Array.from([...first, ...second]), 4, 2, 3);
  closeAll(acf, [0.25, -0.3, -0.45, -0.75 / 2, 0.5 / 2, -0.25 / 2]);
});

test('ACF distance: 0 for identical sets; per feature by hand', () => {
  const samples = gaussian(20 * 12 * 3, 4);
  assert.deepEqual(acfDistance(samples, Float32Array.from(samples), 12, 3, 5), { distance: 0, perFeature: [0, 0, 0] });
  // Feature 0: 1 2 3 4 vs 2 4 6 8 (same ACF). Feature 1: 1 2 3 4 vs 1 −1 1 −1:
  // |0.25 + 0.75| = 1, |−0.3 − 0.5| = 0.8, |−0.45 + 0.25| = 0.2 → 2/3.
  const real = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
  const generated = Float32Array.from([2, 1, 4, -1, 6, 1, 8, -1]);
  const { distance, perFeature } = acfDistance(real, generated, 4, 2, 3);
  closeAll(perFeature, [0, 2 / 3]);
  close(distance, 1 / 3);
});

test('ACF distance ignores level and scale by design: 2x + 3 and −x have the same temporal structure', () => {
  const real = dyadic(15 * 10 * 2, 5);
  const shiftedAndScaled = real.map((value) => 2 * value + 3);
  const negated = real.map((value) => -value);
  assert.ok(acfDistance(real, shiftedAndScaled, 10, 2, 4).distance < 1e-12);
  assert.ok(acfDistance(real, negated, 10, 2, 4).distance < 1e-12);
  // …but not shuffling time: white noise vs a random walk differ.
  const walk = Float32Array.from(real);
  for (let sample = 0; sample < 15; sample++) {
    for (let t = 1; t < 10; t++) for (let f = 0; f < 2; f++) walk[sample * 20 + t * 2 + f] += walk[sample * 20 + (t - 1) * 2 + f];
  }
  assert.ok(acfDistance(real, walk, 10, 2, 4).distance > 0.2);
});

test('ACF rejects a maxLag outside 1…length−1 and a ragged array', () => {
  const samples = new Float32Array(2 * 5 * 1);
  for (const maxLag of [0, 5, 2.5]) assert.throws(() => meanAutocorrelation(samples, 5, 1, maxLag), /maxLag/);
  assert.throws(() => meanAutocorrelation(new Float32Array(9), 5, 1, 2), /not a whole number of sequences/);
  assert.throws(() => acfDistance(samples, new Float32Array(0), 5, 1, 2), /generated is empty/);
});

// ── Cross-correlation ────────────────────────────────────────────────────────

test('cross-correlation by hand: x with −x is −1, with 2x+1 is 1, with a swapped copy 0.8; diagonal 1', () => {
  // x = 1 2 3 4, y = 1 3 2 4: deviations −1.5 −0.5 0.5 1.5 and −1.5 0.5 −0.5 1.5;
  // Σdx·dy = 2.25 − 0.25 − 0.25 + 2.25 = 4, Σdx² = Σdy² = 5 → 0.8.
  const x = [1, 2, 3, 4];
  const y = [1, 3, 2, 4];
  const features = [x, x.map((v) => -v), x.map((v) => 2 * v + 1), y];
  const sample = Float32Array.from(x.flatMap((_, t) => features.map((feature) => feature[t])));
  const matrix = meanCrossCorrelation(sample, 4, 4);
  closeAll(matrix.subarray(0, 4), [1, -1, 1, 0.8]);
  closeAll([matrix[1 * 4 + 0], matrix[1 * 4 + 1], matrix[2 * 4 + 1], matrix[3 * 4 + 1]], [-1, 1, -1, -0.8]);
});

test('cross-correlation: averaged over samples; a constant feature counts as 0', () => {
  // Sample 1: (x, −x) → −1; sample 2: (x, x) → 1; mean 0. Sample 3 adds a constant second feature → 0.
  const pairs = [[1, -1, 2, -2, 3, -3], [1, 1, 2, 2, 3, 3], [1, 7, 2, 7, 3, 7]];
  closeAll(meanCrossCorrelation(Float32Array.from(pairs.flat()), 3, 2), [1, 0, 0, 1]);
});

test('cross-correlation distance: 0 for identical sets and for one feature; by hand for four features', () => {
  const samples = gaussian(10 * 8 * 3, 6);
  assert.equal(crossCorrelationDistance(samples, Float32Array.from(samples), 8, 3), 0);
  assert.equal(crossCorrelationDistance(gaussian(40, 7), gaussian(40, 8), 8, 1), 0);
  // Real (x, x, x, x): every pair 1. Generated (x, x, x, −x): pairs (0,3), (1,3), (2,3) are −1,
  // the other three 1 → |2|·3 over 6 pairs = 1.
  const x = [0, 1, 3, 2];
  const real = Float32Array.from(x.flatMap((v) => [v, v, v, v]));
  const generated = Float32Array.from(x.flatMap((v) => [v, v, v, -v]));
  close(crossCorrelationDistance(real, generated, 4, 4), 1);
  assert.throws(() => crossCorrelationDistance(real, generated, 1, 16), /length/);
});

// ── Power spectrum ───────────────────────────────────────────────────────────

test('periodogram by hand: an impulse is flat, an alternating sequence is all at Nyquist, a constant all at 0', () => {
  // Impulse 1 0 0 0 0 0: every DFT term is 1 → P(k) = 1/6 for k = 0…3.
  // Alternating 1 −1 1 −1 1 −1: X(3) = 6, others 0 → P(3) = 36/6 = 6.
  const impulse = [1, 0, 0, 0, 0, 0];
  const alternating = [1, -1, 1, -1, 1, -1];
  const sample = Float32Array.from(impulse.flatMap((v, t) => [v, alternating[t]]));
  closeAll(meanPowerSpectrum(sample, 6, 2), [1 / 6, 1 / 6, 1 / 6, 1 / 6, 0, 0, 0, 6]);
  // Odd length, constant 2: X(0) = 10 → P(0) = 100/5 = 20; bins 0…2.
  closeAll(meanPowerSpectrum(Float32Array.from([2, 2, 2, 2, 2]), 5, 1), [20, 0, 0]);
});

test('PSD distance: 0 for identical sets; twice the amplitude is log10 4 wherever P̄ ≫ ε', () => {
  const real = gaussian(20 * 16 * 2, 9);
  assert.equal(psdDistance(real, Float32Array.from(real), 16, 2), 0);
  const doubled = real.map((value) => 2 * value);
  close(psdDistance(real, doubled, 16, 2), Math.log10(4), 1e-6);
  close(psdDistance(doubled, real, 16, 2), Math.log10(4), 1e-6);
  // The level counts: adding 1 only moves P(0) (from ≈ 1 to ≈ 16 + 1 on average).
  const shifted = real.map((value) => value + 1);
  const shiftDistance = psdDistance(real, shifted, 16, 2);
  assert.ok(shiftDistance > 0.05 && shiftDistance < 0.3, `${shiftDistance}`);
  assert.throws(() => psdDistance(real, real, 0, 2), /length/);
  assert.throws(() => meanPowerSpectrum(new Float32Array(7), 2, 2), /not a whole number of sequences/);
});

// ── Moran's I ────────────────────────────────────────────────────────────────

const checkerboard = Float32Array.from({ length: 16 }, (_, cell) => ((cell >> 2) + (cell & 3)) % 2);
/** Rows "1 1 0 0": vertical stripes two cells wide. */
const wideStripes = Float32Array.from({ length: 16 }, (_, cell) => ((cell & 3) < 2 ? 1 : 0));

test("Moran's I by hand: checkerboard −1, two-wide stripes 2/3, one-wide stripes 0, a ramp 51/245", () => {
  // Checkerboard: x̄ = 0.5, every neighbour pair is (+0.5)(−0.5) → Σw·d·d = −0.25·W, Σd² = 0.25·N → −1.
  assert.equal(moransI(checkerboard, 4, 4), -1);
  // Two-wide stripes, 4×4 (N = 16, W = 2·(4·3 + 3·4) = 48, Σd² = 16·0.25 = 4): each row's
  // 3 horizontal pairs give +0.25 −0.25 +0.25 → 4 rows: 1; 12 vertical pairs give +0.25 → 3.
  // Ordered: 2·(1 + 3) = 8 → I = 16·8 / (48·4) = 2/3.
  close(moransI(wideStripes, 4, 4), 2 / 3);
  // One-wide stripes: 12 horizontal pairs −0.25, 12 vertical +0.25 → 0.
  const narrowStripes = Float32Array.from({ length: 16 }, (_, cell) => cell % 2);
  close(moransI(narrowStripes, 4, 4), 0);
  // 2×3 ramp 1 2 3 / 4 5 6: x̄ = 3.5, d = −2.5 −1.5 −0.5 / 0.5 1.5 2.5, Σd² = 17.5.
  // Horizontal: 3.75 + 0.75 + 0.75 + 3.75 = 9; vertical: −1.25 − 2.25 − 1.25 = −4.75; sum 4.25.
  // W = 2·(2·2 + 1·3) = 14 → I = 6·2·4.25 / (14·17.5) = 51/245.
  close(moransI(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3), 51 / 245);
  assert.equal(moransI(new Float32Array(9).fill(3), 3, 3), 0);
});

test("Moran's I reads a frame at an offset without copying, and rejects frames that do not fit", () => {
  const batch = new Float32Array(5 + 16 + 3).fill(99);
  batch.set(checkerboard, 5);
  assert.equal(moransI(batch, 4, 4, 5), -1);
  assert.throws(() => moransI(batch, 4, 4, 9), /does not fit/);
  assert.throws(() => moransI(Float32Array.from([1]), 1, 1), /no neighbouring cells/);
});

test("mean Moran's I over frames and samples; the difference between two sets", () => {
  // One sample of two frames: (−1 + 2/3)/2 = −1/6.
  close(meanMoransI(Float32Array.from([...checkerboard, ...wideStripes]), 2, 4, 4), -1 / 6);
  // Two samples of one frame each: the same mean.
  close(meanMoransI(Float32Array.from([...checkerboard, ...wideStripes]), 1, 4, 4), -1 / 6);
  close(moransIDifference(checkerboard, wideStripes, 1, 4, 4), 5 / 3);
  const fields = gaussian(3 * 2 * 5 * 6, 10);
  assert.equal(moransIDifference(fields, Float32Array.from(fields), 2, 5, 6), 0);
  assert.throws(() => meanMoransI(new Float32Array(40), 2, 4, 4), /not a whole number of fields/);
  assert.throws(() => moransIDifference(checkerboard, new Float32Array(0), 1, 4, 4), /generated is empty/);
});
