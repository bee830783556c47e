import type { SeededRandom } from '../util/seeded-random';
import { assignToNearestMode } from '../metrics/mode-metrics';
import type { Dataset } from './dataset';

/** Equal-weight mixture of isotropic 2-D Gaussians: the mode-collapse benchmarks. */
export function gaussianMixture(name: string, modes: number[][], modeStd: number): Dataset {
  const dimension = modes[0].length;
  const sample = (batchSize: number, random: SeededRandom): Float32Array => {
    const values = new Float32Array(batchSize * dimension);
    for (let row = 0; row < batchSize; row++) {
      const mode = modes[random.nextInt(modes.length)];
      for (let axis = 0; axis < dimension; axis++) {
        values[row * dimension + axis] = mode[axis] + modeStd * random.nextNormal();
      }
    }
    return values;
  };
  // Moments of an equal-weight mixture: the modes' mean; their variance plus each mode's own.
  const mean = Array.from({ length: dimension }, (_, axis) => modes.reduce((sum, mode) => sum + mode[axis], 0) / modes.length);
  const std = mean.map((centre, axis) => Math.sqrt(modes.reduce((sum, mode) => sum + (mode[axis] - centre) ** 2, 0) / modes.length + modeStd ** 2));
  return {
    name,
    kind: 'points',
    standardization: { mean, std },
    sampleShape: [dimension],
    modes,
    modeStd,
    modeCount: modes.length,
    assignModes: (samples) => assignToNearestMode(samples, dimension, modes, modeStd),
    sample,
    evaluationSample: sample,
  };
}

/** PacGAN (Lin et al. 2018): 8 Gaussians evenly spaced on the unit circle, std 0.01. */
export function ring8(): Dataset {
  const modes = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);
  return gaussianMixture('ring8', modes, 0.01);
}

/** PacGAN (Lin et al. 2018): 25 Gaussians at {-4,-2,0,2,4}², std 0.05. */
export function grid25(): Dataset {
  const axis = [-4, -2, 0, 2, 4];
  const modes = axis.flatMap((x) => axis.map((y) => [x, y]));
  return gaussianMixture('grid25', modes, 0.05);
}
