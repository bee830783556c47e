import { SeededRandom } from '../util/seeded-random';
import type { Dataset } from './dataset';

/** TimeGAN's sine set: main_timegan.py's `no, dim = 10000, 5` and its default seq_len 24. */
const SEQUENCES = 10_000;
const LENGTH = 24;
const FEATURES = 5;
/**
 * TimeGAN draws its set once per experiment from numpy's unseeded generator; ours is drawn
 * once from this fixed seed, so every run (whatever its own seed) trains and is scored
 * on the same 10,000 sequences, as with a dataset read from a file.
 */
const DATASET_SEED = 20190;

/**
 * TimeGAN's synthetic sines exactly as its released code makes them
 * (jsyoon0823/TimeGAN, data_loading.py, `sine_data_generation(10000, 24, 5)`): for each
 * sequence and each feature, freq ~ U[0, 0.1) then phase ~ U[0, 0.1) are drawn and the
 * values are sin(freq·j + phase) for integer j = 0…23, mapped into [0, 1] by (x + 1)/2.
 * With freq·23 ≤ 2.3 rad these are gentle arcs, far from a full cycle: an easier set
 * than our `sines` (docs/datasets.md).
 *
 * The 10,000 sequences are a fixed set, as in TimeGAN: training batches draw from it
 * with replacement, and evaluation compares with it too (TimeGAN scores generated data
 * against the very set it trained on). Sequences are time-major: sample s, time j,
 * feature f at s·24·5 + j·5 + f.
 */
export function timeganSines(): Dataset {
  const sequenceLength = LENGTH * FEATURES;
  const sequences = drawTimeganSines(SEQUENCES, new SeededRandom(DATASET_SEED));

  function pick(count: number, random: SeededRandom): Float32Array {
    const batch = new Float32Array(count * sequenceLength);
    for (let sample = 0; sample < count; sample++) {
      const source = random.nextInt(SEQUENCES) * sequenceLength;
      batch.set(sequences.subarray(source, source + sequenceLength), sample * sequenceLength);
    }
    return batch;
  }

  return {
    name: 'timegan-sines',
    kind: 'sequence',
    valueRange: [0, 1],
    sampleShape: [LENGTH, FEATURES],
    featureNames: Array.from({ length: FEATURES }, (_, feature) => `sine${feature}`),
    sample: pick,
    evaluationSample: pick,
  };
}

/** `sine_data_generation(count, 24, 5)` with our generator in numpy's place. */
export function drawTimeganSines(count: number, random: SeededRandom): Float32Array {
  const values = new Float32Array(count * LENGTH * FEATURES);
  for (let sample = 0; sample < count; sample++) {
    for (let feature = 0; feature < FEATURES; feature++) {
      const frequency = 0.1 * random.next();
      const phase = 0.1 * random.next();
      for (let step = 0; step < LENGTH; step++) {
        values[sample * LENGTH * FEATURES + step * FEATURES + feature] = (Math.sin(frequency * step + phase) + 1) * 0.5;
      }
    }
  }
  return values;
}
