import type { ModeAssignment } from '../data/dataset';

/**
 * Mode-collapse metrics of PacGAN (Lin et al. 2018), defined in docs/metrics.md:
 * - a sample is high quality when it is close to its nearest mode (for a Gaussian
 *   mixture: within 3 std; each dataset with modes says what close means);
 * - a mode is covered when at least one high-quality sample is nearest to it;
 * - reverse KL is KL(generated mode histogram ‖ uniform), over high-quality samples.
 */
export interface ModeMetrics {
  modesCovered: number;
  highQualityFraction: number;
  /** Null when no sample is high quality: the histogram is then undefined. */
  reverseKL: number | null;
}

/** Nearest mode of every sample of a Gaussian mixture; high quality within 3 std. */
export function assignToNearestMode(samples: Float32Array, dimension: number, modes: readonly (readonly number[])[], modeStd: number): ModeAssignment {
  const total = samples.length / dimension;
  const nearest = new Int32Array(total).fill(-1);
  const highQuality = new Uint8Array(total);
  const radiusSquared = (3 * modeStd) ** 2;
  for (let row = 0; row < total; row++) {
    let nearestDistance = Infinity;
    for (let mode = 0; mode < modes.length; mode++) {
      let distance = 0;
      for (let axis = 0; axis < dimension; axis++) {
        const delta = samples[row * dimension + axis] - modes[mode][axis];
        distance += delta * delta;
      }
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest[row] = mode;
      }
    }
    // NaN samples compare false everywhere: they have no nearest mode and are never high quality.
    if (nearest[row] >= 0 && nearestDistance <= radiusSquared) highQuality[row] = 1;
  }
  return { nearest, highQuality };
}

/** Counts per mode: of high-quality samples (`counts`) and of all samples with a nearest mode (`nearestCounts`). */
export function modeHistogram({ nearest, highQuality }: ModeAssignment, modeCount: number): { counts: number[]; nearestCounts: number[]; highQuality: number; total: number } {
  const counts = new Array<number>(modeCount).fill(0);
  const nearestCounts = new Array<number>(modeCount).fill(0);
  let highQualityTotal = 0;
  for (let row = 0; row < nearest.length; row++) {
    if (nearest[row] < 0) continue;
    nearestCounts[nearest[row]]++;
    if (highQuality[row]) {
      counts[nearest[row]]++;
      highQualityTotal++;
    }
  }
  return { counts, nearestCounts, highQuality: highQualityTotal, total: nearest.length };
}

export function modeMetrics(assignment: ModeAssignment, modeCount: number): ModeMetrics {
  const { counts, highQuality, total } = modeHistogram(assignment, modeCount);
  const modesCovered = counts.filter((count) => count > 0).length;
  let reverseKL: number | null = null;
  if (highQuality > 0) {
    reverseKL = 0;
    const uniform = 1 / modeCount;
    for (const count of counts) {
      if (count === 0) continue; // p log p → 0 as p → 0
      const p = count / highQuality;
      reverseKL += p * Math.log(p / uniform);
    }
  }
  return { modesCovered, highQualityFraction: total === 0 ? 0 : highQuality / total, reverseKL };
}
