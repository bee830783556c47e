import { nearestModeHistogram } from '../../core/metrics/mode-metrics';

/** Mean Euclidean distance over all pairs of rows of a row-major [n, dimension] array. */
export function meanPairwiseDistance(samples: Float32Array, dimension: number): number {
  const count = samples.length / dimension;
  if (count < 2) return NaN;
  let total = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let squared = 0;
      for (let axis = 0; axis < dimension; axis++) {
        const delta = samples[i * dimension + axis] - samples[j * dimension + axis];
        squared += delta * delta;
      }
      total += Math.sqrt(squared);
    }
  }
  return total / ((count * (count - 1)) / 2);
}

/**
 * Diversity ratio: mean pairwise distance inside a generated batch over the same inside
 * a real batch. About 1 when G spreads like the data; toward 0 as it collapses.
 */
export function diversityRatio(generated: Float32Array, real: Float32Array, dimension: number): number {
  return meanPairwiseDistance(generated, dimension) / meanPairwiseDistance(real, dimension);
}

/**
 * Mode coverage (share of modes with at least one high-quality sample) and the entropy
 * of the high-quality samples' mode histogram, normalised by log K to [0, 1].
 */
export function modeCoverageAndEntropy(samples: Float32Array, dimension: number, modes: readonly (readonly number[])[], modeStd: number): { coverage: number; entropy: number } {
  const { counts, highQuality } = nearestModeHistogram(samples, dimension, modes, modeStd);
  if (highQuality === 0) return { coverage: 0, entropy: 0 };
  let entropy = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / highQuality;
    entropy -= p * Math.log(p);
  }
  return { coverage: counts.filter((count) => count > 0).length / modes.length, entropy: modes.length > 1 ? entropy / Math.log(modes.length) : 1 };
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
