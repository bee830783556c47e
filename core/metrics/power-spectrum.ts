/**
 * Power spectral density of sequences, defined in docs/metrics.md: does a generated
 * sequence have the real data's mix of slow and fast variation, and its level? Samples
 * are [count, length, features], time-major inside a sample.
 */

import { sequenceCount } from './sample-arguments';
/** Added before taking log10, so an empty frequency bin gives a finite log (−8). */
const LOG_FLOOR = 1e-8;


/**
 * The periodogram P(k) = |Σ_t x_t e^{−2πi·k·t/L}|² / L for k = 0…⌊L/2⌋ of each feature,
 * averaged over samples: features × (⌊L/2⌋+1), row-major. The mean is not removed, so
 * P(0) = L·x̄² carries the sequence's level.
 *
 * A direct DFT, O(L²) per sequence, not an FFT: our sequences are at most a few hundred
 * steps and of any length (24, 100, …), where a radix-2 FFT does not apply and a
 * mixed-radix or Bluestein one is more code to get right than this loop costs
 * (L = 200: about 20,000 multiply-adds per sequence and feature). e^{−2πi·k·t/L} takes
 * only L distinct values, so they come from one table indexed by k·t mod L.
 */
export function meanPowerSpectrum(samples: Float32Array, length: number, features: number): Float64Array {
  return meanOverSequences(samples, length, features, 'samples');
}

/** `name` says which set a shape error is about. */
function meanOverSequences(samples: Float32Array, length: number, features: number, name: string): Float64Array {
  const count = sequenceCount(samples, length, features, name);
  const bins = Math.floor(length / 2) + 1;
  const cosines = new Float64Array(length);
  const sines = new Float64Array(length);
  for (let index = 0; index < length; index++) {
    cosines[index] = Math.cos((2 * Math.PI * index) / length);
    sines[index] = Math.sin((2 * Math.PI * index) / length);
  }
  const sums = new Float64Array(features * bins);
  for (let sample = 0; sample < count; sample++) {
    const start = sample * length * features;
    for (let feature = 0; feature < features; feature++) {
      for (let k = 0; k < bins; k++) {
        let real = 0;
        let imaginary = 0;
        let phase = 0; // k·t mod L, kept in range without a division per term
        for (let t = 0; t < length; t++) {
          const value = samples[start + t * features + feature];
          real += value * cosines[phase];
          imaginary -= value * sines[phase];
          phase += k;
          if (phase >= length) phase -= length;
        }
        sums[feature * bins + k] += (real * real + imaginary * imaginary) / length;
      }
    }
  }
  for (let index = 0; index < sums.length; index++) sums[index] /= count;
  return sums;
}

/**
 * Mean over features and frequency bins of |log10(P̄_real + ε) − log10(P̄_gen + ε)|,
 * ε = 1e-8: the average factor, in decades, by which the two spectra differ. 0 when the
 * mean spectra agree; a generator with the right shape at twice the amplitude scores
 * log10 4 ≈ 0.602. Logs, because power spans decades across frequencies and a plain
 * difference would only see the strongest bins.
 */
export function psdDistance(real: Float32Array, generated: Float32Array, length: number, features: number): number {
  const realSpectrum = meanOverSequences(real, length, features, 'real');
  const generatedSpectrum = meanOverSequences(generated, length, features, 'generated');
  let sum = 0;
  for (let index = 0; index < realSpectrum.length; index++) {
    sum += Math.abs(Math.log10(realSpectrum[index] + LOG_FLOOR) - Math.log10(generatedSpectrum[index] + LOG_FLOOR));
  }
  return sum / realSpectrum.length;
}
