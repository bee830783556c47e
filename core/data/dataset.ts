import type { SeededRandom } from '../util/seeded-random';

/** A source of real samples for training and evaluation. */
export interface Dataset {
  readonly name: string;
  /** Shape of one sample (without the batch dimension). */
  readonly sampleShape: readonly number[];
  /** Centres of the true modes, where the dataset has countable modes (ring8, grid25). */
  readonly modes?: readonly (readonly number[])[];
  /** Standard deviation of each mode; "high quality" means within 3 of these of a mode. */
  readonly modeStd?: number;
  /** Fills a row-major [batchSize, ...sampleShape] array with real samples. */
  sample(batchSize: number, random: SeededRandom): Float32Array;
}
