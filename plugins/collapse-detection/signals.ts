import type { ModeAssignment } from '../../core/data/dataset';
import { modeHistogram } from '../../core/metrics/mode-metrics';
import { pairwiseDistances } from '../../core/metrics/pairwise-distances';

/** Mean Euclidean distance over all pairs of rows of a row-major [n, dimension] array. */
export function meanPairwiseDistance(samples: Float32Array, dimension: number): number {
  const distances = pairwiseDistances(samples, dimension);
  if (distances.length === 0) return NaN;
  return distances.reduce((sum, distance) => sum + distance, 0) / distances.length;
}

/**
 * Diversity ratio: mean pairwise distance inside a generated batch over the same inside
 * a real batch. About 1 when G spreads like the data; toward 0 as it collapses.
 */
export function diversityRatio(generated: Float32Array, real: Float32Array, dimension: number): number {
  return meanPairwiseDistance(generated, dimension) / meanPairwiseDistance(real, dimension);
}

/**
 * Mode coverage and histogram entropy over the samples' nearest modes, however far
 * from them: collapse concentrates samples on few modes whatever their precision,
 * while precision alone (the high-quality share) is low early in every healthy run.
 * coverage = share of modes that are the nearest of at least `minShare` of the
 * samples' expected share (1/K); entropy = −Σ p log p / log K, in [0, 1].
 */
export function modeCoverageAndEntropy(assignment: ModeAssignment, modeCount: number, minShare = 0.1): { coverage: number; entropy: number } {
  const { nearestCounts } = modeHistogram(assignment, modeCount);
  const assigned = nearestCounts.reduce((sum, count) => sum + count, 0);
  if (assigned === 0) return { coverage: 0, entropy: 0 };
  let entropy = 0;
  for (const count of nearestCounts) {
    if (count === 0) continue;
    const p = count / assigned;
    entropy -= p * Math.log(p);
  }
  const covered = nearestCounts.filter((count) => count / assigned >= minShare / modeCount).length;
  return { coverage: covered / modeCount, entropy: modeCount > 1 ? entropy / Math.log(modeCount) : 1 };
}

/**
 * Mann–Kendall trend test: S = Σ_{i<j} sign(x_j − x_i), Var(S) = n(n−1)(2n+5)/18
 * (no tie correction: losses are continuous), Z = (S ∓ 1)/√Var(S) with continuity
 * correction. |Z| large means the series moves steadily one way. Non-finite values
 * are skipped.
 */
export function mannKendallZ(series: readonly number[]): number {
  const values = series.filter(Number.isFinite);
  const n = values.length;
  if (n < 3) return 0;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j] - values[i]);
  const variance = (n * (n - 1) * (2 * n + 5)) / 18;
  if (s > 0) return (s - 1) / Math.sqrt(variance);
  if (s < 0) return (s + 1) / Math.sqrt(variance);
  return 0;
}

/** Means of consecutive blocks of `blockCount` equal parts (a trailing remainder is dropped). */
export function blockMeans(series: readonly number[], blockCount: number): number[] {
  const size = Math.floor(series.length / blockCount);
  if (size === 0) return [];
  const means: number[] = [];
  for (let block = 0; block < blockCount; block++) {
    let sum = 0;
    for (let index = block * size; index < (block + 1) * size; index++) sum += series[index];
    means.push(sum / size);
  }
  return means;
}

/**
 * Drift of a loss in the direction that marks a failing run (D's loss falling: D is
 * winning; G's loss rising: G is losing). GAN losses are strongly autocorrelated, so
 * Mann–Kendall runs on block means, not raw steps; and healthy runs drift too (D's loss
 * climbs toward 2 ln 2 as G improves), so only the failing direction counts, and only
 * when the loss moved by at least `minRelativeChange` of its level across the window.
 * Returns the directional Z, or 0 when the move is too small.
 */
export function failingDrift(series: readonly number[], failingDirection: 'falling' | 'rising', blockCount: number, minRelativeChange: number): number {
  const means = blockMeans(series, blockCount);
  if (means.length < 3) return 0;
  const first = means[0];
  const last = means[means.length - 1];
  const change = failingDirection === 'falling' ? first - last : last - first;
  if (!(change >= minRelativeChange * Math.abs(first))) return 0;
  const z = mannKendallZ(means);
  return failingDirection === 'falling' ? -z : z;
}
