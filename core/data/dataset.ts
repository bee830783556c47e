import type { SeededRandom } from '../util/seeded-random';

/**
 * What one sample is, which decides the model and the metrics:
 * - `points`: a flat vector, shape [dimension] (ring8, grid25);
 * - `sequence`: a multivariate time series, shape [length, features];
 * - `field`: frames of a grid, shape [frames, height, width].
 */
export type SampleKind = 'points' | 'sequence' | 'field';

/**
 * Which mode each sample belongs to, for datasets with countable modes.
 * `nearest[i]` is the index of sample i's nearest mode (−1 when it has none, e.g. NaN);
 * `highQuality[i]` is 1 when sample i is close enough to that mode to count as one of it.
 */
export interface ModeAssignment {
  nearest: Int32Array;
  highQuality: Uint8Array;
}

/** A source of real samples for training and evaluation. */
export interface Dataset {
  readonly name: string;
  readonly kind: SampleKind;
  /** Shape of one sample (without the batch dimension). */
  readonly sampleShape: readonly number[];
  /**
   * Set when every real value lies in [low, high] by construction (data min–max
   * normalised to [0, 1]): G's output is then squashed into it with a sigmoid, as
   * TimeGAN's generator does, so a classifier cannot tell samples apart by range alone.
   */
  readonly valueRange?: readonly [low: number, high: number];
  /**
   * Per-value mean and standard deviation of the real data, when known (the Gaussian
   * mixtures). The model then trains in standardized units: D sees (x − mean) / std and
   * G's output is scaled back. Adam moves each weight by about its learning rate per
   * step whatever the data's scale, so without this G spends its budget growing its
   * weights to grid25's range of ±4 (BENCHMARKS.md, mode collapse).
   */
  readonly standardization?: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Names of the features of a sequence (its last axis), for per-feature metrics. */
  readonly featureNames?: readonly string[];
  /** Centres of the true modes of a Gaussian mixture (ring8, grid25). */
  readonly modes?: readonly (readonly number[])[];
  /** Standard deviation of each mode; "high quality" means within 3 of these of a mode. */
  readonly modeStd?: number;
  /** How many modes the dataset declares, when it declares any. */
  readonly modeCount?: number;
  /** Assigns `count` row-major samples to modes (present exactly when modeCount is). */
  assignModes?(samples: Float32Array, count: number): ModeAssignment;
  /** Fills a row-major [batchSize, ...sampleShape] array with real training samples. */
  sample(batchSize: number, random: SeededRandom): Float32Array;
  /**
   * Real samples to compare generated ones with. Datasets cut from a finite series
   * hold some windows out of training for this; synthetic ones draw fresh samples.
   */
  evaluationSample(count: number, random: SeededRandom): Float32Array;
}

/** Number of values in one sample. */
export function sampleSize(dataset: Pick<Dataset, 'sampleShape'>): number {
  return dataset.sampleShape.reduce((product, size) => product * size, 1);
}
