/**
 * Cross-correlation between the features of sequences, defined in docs/metrics.md: does
 * a generated sequence keep how the real data's features move together? Samples are
 * [count, length, features], time-major inside a sample.
 */

import { sequenceCount } from './sample-arguments';

/**
 * The Pearson correlation over time between every pair of features within each sample,
 * averaged over samples: a features × features matrix, row-major. A feature that is
 * constant within a sample has no defined correlation; it counts as 0 with every other
 * feature (no linear relation) so one flat sample cannot make the mean NaN. The
 * diagonal is 1 by definition.
 */
export function meanCrossCorrelation(samples: Float32Array, length: number, features: number): Float64Array {
  return meanOverSequences(samples, length, features, 'samples');
}

/** `name` says which set a shape error is about. */
function meanOverSequences(samples: Float32Array, length: number, features: number, name: string): Float64Array {
  const count = sequenceCount(samples, length, features, name, 2);
  const sums = new Float64Array(features * features);
  const deviations = new Float64Array(length * features);
  const sumsOfSquares = new Float64Array(features);
  for (let sample = 0; sample < count; sample++) {
    const start = sample * length * features;
    for (let feature = 0; feature < features; feature++) {
      let mean = 0;
      for (let t = 0; t < length; t++) mean += samples[start + t * features + feature];
      mean /= length;
      let sumOfSquares = 0;
      for (let t = 0; t < length; t++) {
        const deviation = samples[start + t * features + feature] - mean;
        deviations[t * features + feature] = deviation;
        sumOfSquares += deviation * deviation;
      }
      sumsOfSquares[feature] = sumOfSquares;
    }
    for (let i = 0; i < features; i++) {
      for (let j = i + 1; j < features; j++) {
        if (sumsOfSquares[i] === 0 || sumsOfSquares[j] === 0) continue;
        let covariance = 0;
        for (let t = 0; t < length; t++) covariance += deviations[t * features + i] * deviations[t * features + j];
        const correlation = covariance / Math.sqrt(sumsOfSquares[i] * sumsOfSquares[j]);
        sums[i * features + j] += correlation;
        sums[j * features + i] += correlation;
      }
    }
  }
  for (let index = 0; index < sums.length; index++) sums[index] /= count;
  for (let feature = 0; feature < features; feature++) sums[feature * features + feature] = 1;
  return sums;
}

/**
 * Mean over feature pairs i < j of |C̄_real(i,j) − C̄_gen(i,j)|: 0 when the two sets have
 * the same mean correlation matrix, at most 2. With a single feature there is no pair
 * and nothing to compare, so the distance is 0 (not NaN, which would break the
 * published series).
 */
export function crossCorrelationDistance(real: Float32Array, generated: Float32Array, length: number, features: number): number {
  const realCorrelation = meanOverSequences(real, length, features, 'real');
  const generatedCorrelation = meanOverSequences(generated, length, features, 'generated');
  if (features === 1) return 0;
  let sum = 0;
  for (let i = 0; i < features; i++) {
    for (let j = i + 1; j < features; j++) sum += Math.abs(realCorrelation[i * features + j] - generatedCorrelation[i * features + j]);
  }
  return sum / ((features * (features - 1)) / 2);
}
