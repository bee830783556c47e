import { SeededRandom } from '../util/seeded-random';

export interface RealGeneratedSplit {
  finite: true;
  trainPerClass: number;
  testPerClass: number;
  /** Row indices, shuffled and cut to the same count for both sets. */
  realOrder: Int32Array;
  generatedOrder: Int32Array;
  /** The seeded stream, past the shuffles: the classifier draws its weights and batches from it. */
  random: SeededRandom;
}

/**
 * The data split of both discriminative scores: equal numbers of real and generated
 * samples (the larger set cut by a seeded random choice), `testPerClassOf(perClass)`
 * of each held out for the test (the scores round differently, see their files).
 * When a value is NaN or infinite it returns `{ finite: false }` before drawing
 * anything: a NaN would train to NaN logits, every test sample would count as
 * "generated", and the score would read 0, "indistinguishable", the opposite of the truth.
 */
export function splitRealAndGenerated(
  samples: { real: Float32Array; generated: Float32Array; realCount: number; generatedCount: number },
  testFraction: number,
  testPerClassOf: (perClass: number) => number,
  seed: number,
): RealGeneratedSplit | { finite: false; testPerClass: number } {
  const perClass = Math.min(samples.realCount, samples.generatedCount);
  const testPerClass = testPerClassOf(perClass);
  const trainPerClass = perClass - testPerClass;
  if (testPerClass < 1 || trainPerClass < 1) {
    throw new Error(`${perClass} samples per class leave no test or no training samples at testFraction ${testFraction}`);
  }
  if (!samples.real.every(Number.isFinite) || !samples.generated.every(Number.isFinite)) return { finite: false, testPerClass };
  const random = new SeededRandom(seed);
  const realOrder = random.permutation(samples.realCount).subarray(0, perClass);
  const generatedOrder = random.permutation(samples.generatedCount).subarray(0, perClass);
  return { finite: true, trainPerClass, testPerClass, realOrder, generatedOrder, random };
}

/**
 * The score both classifiers report from their test logits: |accuracy − 0.5|. A logit
 * of exactly 0 counts as "generated" (TimeGAN's `y_pred > 0.5`), so a classifier that
 * learnt nothing scores 0.5 accuracy, a score of 0.
 */
export function scoreFromTestLogits(logits: ArrayLike<number>, isReal: (row: number) => boolean): { score: number; testAccuracy: number; testCount: number } {
  let correct = 0;
  for (let row = 0; row < logits.length; row++) if ((logits[row] > 0) === isReal(row)) correct++;
  const testAccuracy = correct / logits.length;
  return { score: Math.abs(testAccuracy - 0.5), testAccuracy, testCount: logits.length };
}
