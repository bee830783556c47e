/**
 * Mode-collapse metrics of PacGAN (Lin et al. 2018), defined in docs/metrics.md:
 * - a sample is high quality when it lies within 3 std of its nearest mode;
 * - a mode is covered when at least one high-quality sample is nearest to it;
 * - reverse KL is KL(generated mode histogram ‖ uniform), over high-quality samples.
 */
export interface ModeMetrics {
  modesCovered: number;
  highQualityFraction: number;
  /** Null when no sample is high quality: the histogram is then undefined. */
  reverseKL: number | null;
}

export function nearestModeHistogram(
  samples: Float32Array,
  dimension: number,
  modes: readonly (readonly number[])[],
  modeStd: number,
): { counts: number[]; nearestCounts: number[]; highQuality: number; total: number } {
  /** High-quality samples by nearest mode. */
  const counts = new Array<number>(modes.length).fill(0);
  /** All (finite) samples by nearest mode, however far. */
  const nearestCounts = new Array<number>(modes.length).fill(0);
  const radiusSquared = (3 * modeStd) ** 2;
  const total = samples.length / dimension;
  let highQuality = 0;
  for (let row = 0; row < total; row++) {
    let nearest = -1;
    let nearestDistance = Infinity;
    for (let mode = 0; mode < modes.length; mode++) {
      let distance = 0;
      for (let axis = 0; axis < dimension; axis++) {
        const delta = samples[row * dimension + axis] - modes[mode][axis];
        distance += delta * delta;
      }
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = mode;
      }
    }
    // NaN samples compare false everywhere: they have no nearest mode and are never high quality.
    if (nearest >= 0) nearestCounts[nearest]++;
    if (nearest >= 0 && nearestDistance <= radiusSquared) {
      counts[nearest]++;
      highQuality++;
    }
  }
  return { counts, nearestCounts, highQuality, total };
}

export function modeMetrics(
  samples: Float32Array,
  dimension: number,
  modes: readonly (readonly number[])[],
  modeStd: number,
): ModeMetrics {
  const { counts, highQuality, total } = nearestModeHistogram(samples, dimension, modes, modeStd);
  const modesCovered = counts.filter((count) => count > 0).length;
  let reverseKL: number | null = null;
  if (highQuality > 0) {
    reverseKL = 0;
    const uniform = 1 / modes.length;
    for (const count of counts) {
      if (count === 0) continue; // p log p → 0 as p → 0
      const p = count / highQuality;
      reverseKL += p * Math.log(p / uniform);
    }
  }
  return { modesCovered, highQualityFraction: total === 0 ? 0 : highQuality / total, reverseKL };
}
