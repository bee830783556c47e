import { GanpipeError } from '../errors';
import type { SeededRandom } from '../util/seeded-random';
import type { Dataset } from './dataset';

export interface SinesOptions {
  /** Time steps per sample (TimeGAN uses 24). */
  length?: number;
  /** Independent sinusoids per sample (TimeGAN uses 5). */
  features?: number;
}

/**
 * TimeGAN's synthetic sines (Yoon et al. 2019), as our issue states them: feature f of
 * each sample is x_j = sin(2π·freq·t_j + phase), freq and phase ~ U[0, 1] drawn anew per
 * sample and feature, t_j = j / length, scaled to [0, 1] by (x + 1) / 2 as TimeGAN's code
 * does. Sequences are time-major: sample s, time j, feature f at s·L·F + j·F + f.
 *
 * Why t_j = j / length: TimeGAN's released code draws freq, phase ~ U(0, 0.1) and uses
 * sin(freq·j + phase) with integer j. The 2π·freq with integer t would alias
 * (sin(2π·f·j) and sin(2π·(1 − f)·j) differ only in sign, so f and 1 − f look alike),
 * hence the window spans one time unit and a feature makes at most one cycle.
 *
 * No modes: freq and phase are continuous, so there is nothing countable to collapse onto.
 */
export function sines(options: SinesOptions = {}): Dataset {
  const length = options.length ?? 24;
  const features = options.features ?? 5;
  if (!Number.isInteger(length) || length < 2) {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `sines: option "length" must be an integer ≥ 2 (got ${length})`);
  }
  if (!Number.isInteger(features) || features < 1) {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `sines: option "features" must be an integer ≥ 1 (got ${features})`);
  }

  function drawSines(count: number, random: SeededRandom): Float32Array {
    const values = new Float32Array(count * length * features);
    for (let sample = 0; sample < count; sample++) {
      const sampleOffset = sample * length * features;
      for (let feature = 0; feature < features; feature++) {
        const frequency = random.next();
        const phase = random.next();
        for (let step = 0; step < length; step++) {
          const time = step / length;
          values[sampleOffset + step * features + feature] = (Math.sin(2 * Math.PI * frequency * time + phase) + 1) / 2;
        }
      }
    }
    return values;
  }

  return {
    name: 'sines',
    kind: 'sequence',
    valueRange: [0, 1],
    sampleShape: [length, features],
    featureNames: Array.from({ length: features }, (_, feature) => `sine${feature}`),
    sample: drawSines,
    evaluationSample: drawSines,
  };
}
