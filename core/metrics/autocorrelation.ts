/**
 * Autocorrelation of sequences, defined in docs/metrics.md: does a generated sequence
 * keep the real data's memory (how much x_t tells about x_{t+k})? Samples are
 * [count, length, features], time-major inside a sample.
 */

import { sequenceCount } from './sample-arguments';

/**
 * The sample autocorrelation of each sequence's feature at lags 1…maxLag,
 * ρ_k = Σ_{t=0}^{L−1−k} (x_t − x̄)(x_{t+k} − x̄) / Σ_t (x_t − x̄)², averaged over samples.
 * Entry [f·maxLag + (k−1)] is feature f at lag k. A constant sequence has no defined
 * ρ; it contributes 0 (no linear memory) so one flat sample cannot make the mean NaN.
 * ρ_k does not change when a sequence is shifted or scaled (by any nonzero factor).
 */
export function meanAutocorrelation(samples: Float32Array, length: number, features: number, maxLag: number): Float64Array {
  return meanOverSequences(samples, length, features, maxLag, 'samples');
}

/** `name` says which set a shape error is about. */
function meanOverSequences(samples: Float32Array, length: number, features: number, maxLag: number, name: string): Float64Array {
  const count = sequenceCount(samples, length, features, name, 2);
  if (!Number.isInteger(maxLag) || maxLag < 1 || maxLag >= length) {
    throw new Error(`maxLag must be an integer with 1 ≤ maxLag < length (${length}), got ${maxLag}`);
  }
  const sums = new Float64Array(features * maxLag);
  const deviations = new Float64Array(length);
  for (let sample = 0; sample < count; sample++) {
    const start = sample * length * features;
    for (let feature = 0; feature < features; feature++) {
      let mean = 0;
      for (let t = 0; t < length; t++) mean += samples[start + t * features + feature];
      mean /= length;
      let variance = 0;
      for (let t = 0; t < length; t++) {
        deviations[t] = samples[start + t * features + feature] - mean;
        variance += deviations[t] * deviations[t];
      }
      if (variance === 0) continue;
      for (let lag = 1; lag <= maxLag; lag++) {
        let covariance = 0;
        for (let t = 0; t + lag < length; t++) covariance += deviations[t] * deviations[t + lag];
        sums[feature * maxLag + lag - 1] += covariance / variance;
      }
    }
  }
  for (let index = 0; index < sums.length; index++) sums[index] /= count;
  return sums;
}

/**
 * perFeature[f] = mean over lags k of |ρ̄_real(f,k) − ρ̄_gen(f,k)|; distance = mean of
 * perFeature. 0 when the two sets have the same mean autocorrelation; at most 2.
 * Because ρ is normalised, this compares temporal structure only: a generator that gets
 * the level or the scale wrong is not penalised here (by design; psdDistance is).
 */
export function acfDistance(
  real: Float32Array,
  generated: Float32Array,
  length: number,
  features: number,
  maxLag: number,
): { distance: number; perFeature: number[] } {
  const realAcf = meanOverSequences(real, length, features, maxLag, 'real');
  const generatedAcf = meanOverSequences(generated, length, features, maxLag, 'generated');
  const perFeature: number[] = [];
  for (let feature = 0; feature < features; feature++) {
    let sum = 0;
    for (let lag = 0; lag < maxLag; lag++) sum += Math.abs(realAcf[feature * maxLag + lag] - generatedAcf[feature * maxLag + lag]);
    perFeature.push(sum / maxLag);
  }
  return { distance: perFeature.reduce((total, value) => total + value, 0) / features, perFeature };
}
