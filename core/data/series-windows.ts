import { SeededRandom } from '../util/seeded-random';

/**
 * Fixed-length windows cut from one long series (TimeGAN's sliding windows): which rows
 * each window starts at, which windows train and which are held out, and copying windows
 * into a batch. The series is row-major [rows, features]; a window is `window`
 * consecutive rows, so a batch of windows is [count, window, features], time-major.
 */

/** Starts 0, stride, 2·stride, … while start + window ≤ rowCount. */
export function windowStarts(rowCount: number, window: number, stride: number): number[] {
  const starts: number[] = [];
  for (let start = 0; start + window <= rowCount; start += stride) starts.push(start);
  return starts;
}

/** Fewest rows that give two windows, one to train on and one held out. */
export function minimumRowsForTwoWindows(window: number, stride: number): number {
  return window + stride;
}

export interface WindowSplit {
  trainingStarts: readonly number[];
  heldOutStarts: readonly number[];
}

/**
 * Shuffles the windows with SeededRandom(splitSeed) and holds out the first
 * ⌈heldOutFraction·n⌉ of them, at least one and at most n − 1 so that both sides have
 * a window. The same seed gives the same split, so a resumed or replayed run evaluates
 * against the same windows.
 */
export function splitWindows(starts: readonly number[], heldOutFraction: number, splitSeed: number): WindowSplit {
  if (starts.length < 2) throw new RangeError(`splitting windows needs at least 2 (got ${starts.length})`);
  const shuffled = [...starts];
  const random = new SeededRandom(splitSeed);
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = random.nextInt(index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other], shuffled[index]];
  }
  // The small epsilon keeps a product such as 0.1 × 30 = 3.0000000000000004 from rounding up to 4.
  const wanted = Math.ceil(heldOutFraction * shuffled.length - 1e-9);
  const heldOutCount = Math.min(shuffled.length - 1, Math.max(1, wanted));
  return { heldOutStarts: shuffled.slice(0, heldOutCount), trainingStarts: shuffled.slice(heldOutCount) };
}

/** `count` windows picked uniformly with replacement from `starts`, as [count, window, features]. */
export function sampleWindows(
  series: Float32Array,
  featureCount: number,
  window: number,
  starts: readonly number[],
  count: number,
  random: SeededRandom,
): Float32Array {
  const windowLength = window * featureCount;
  const batch = new Float32Array(count * windowLength);
  for (let sample = 0; sample < count; sample++) {
    const start = starts[random.nextInt(starts.length)];
    batch.set(series.subarray(start * featureCount, start * featureCount + windowLength), sample * windowLength);
  }
  return batch;
}
