import { sampleSize, type Dataset } from '../data/dataset';
import { SeededRandom } from '../util/seeded-random';
import { acfDistance } from './autocorrelation';
import { crossCorrelationDistance } from './cross-correlation';
import { discriminativeScore } from './discriminative-score';
import { modeMetrics } from './mode-metrics';
import { moransIDifference } from './morans-i';
import { psdDistance } from './power-spectrum';
import { medianPairwiseDistance, rbfMmdSquared } from './rbf-mmd';

export type SampleMetrics = Record<string, number | null>;

export interface SampleEvaluatorOptions {
  /** Size of the real reference set (drawn once per run) and of each generated set. */
  samples: number;
  discriminativeScore: boolean;
  seed: number;
}

/** Longest lag of the autocorrelation distance: 10 steps, or the whole window if shorter. */
const MAX_LAG = 10;

/**
 * The built-in metrics of an evaluation, chosen by what the dataset is
 * (docs/metrics.md): mode metrics where it declares modes; for sequences and fields,
 * MMD, autocorrelation, cross-correlation or Moran's I, spectrum and the
 * discriminative score, all against one real reference set drawn once per run (from
 * held-out windows where the data is finite), so successive evaluations differ only
 * by the generator.
 */
export class SampleEvaluator {
  private reference?: { samples: Float32Array; mmdBandwidth: number };

  constructor(
    private readonly dataset: Dataset,
    private readonly options: SampleEvaluatorOptions,
  ) {}

  async evaluate(generated: Float32Array, count: number, step: number): Promise<SampleMetrics> {
    const { dataset } = this;
    const metrics: SampleMetrics = {};
    if (dataset.assignModes && dataset.modeCount) Object.assign(metrics, modeMetrics(dataset.assignModes(generated, count), dataset.modeCount));
    if (dataset.kind === 'points') return metrics;

    const reference = this.referenceSet();
    const size = sampleSize(dataset);
    const finite = generated.every(Number.isFinite);
    // A generator that outputs NaN has no distance to anything: the metrics are null (not a crash).
    const whenFinite = (compute: () => number) => (finite ? compute() : null);
    metrics.mmd = whenFinite(() => rbfMmdSquared(reference.samples, generated, size, reference.mmdBandwidth));
    metrics.mmdBandwidth = reference.mmdBandwidth;
    if (dataset.kind === 'sequence') {
      const [length, features] = dataset.sampleShape;
      const acf = finite ? acfDistance(reference.samples, generated, length, features, Math.min(MAX_LAG, length - 1)) : undefined;
      metrics.acfDistance = acf?.distance ?? null;
      (dataset.featureNames ?? []).forEach((feature, index) => (metrics[`acfDistance.${feature}`] = acf?.perFeature[index] ?? null));
      metrics.crossCorrelationDistance = whenFinite(() => crossCorrelationDistance(reference.samples, generated, length, features));
      metrics.psdDistance = whenFinite(() => psdDistance(reference.samples, generated, length, features));
    } else {
      // A field is a sequence of frames whose features are its cells (time along axis 0).
      const [frames, height, width] = dataset.sampleShape;
      metrics.acfDistance = whenFinite(() => acfDistance(reference.samples, generated, frames, height * width, Math.min(MAX_LAG, frames - 1)).distance);
      metrics.psdDistance = whenFinite(() => psdDistance(reference.samples, generated, frames, height * width));
      metrics.moransIDifference = whenFinite(() => moransIDifference(reference.samples, generated, frames, height, width));
    }
    if (this.options.discriminativeScore) {
      metrics.discriminativeScore = finite ? (await discriminativeScore(reference.samples, generated, size, { seed: (this.options.seed + step) >>> 0 })).score : null;
    }
    return metrics;
  }

  private referenceSet(): { samples: Float32Array; mmdBandwidth: number } {
    if (!this.reference) {
      // Its own random stream: drawing it never moves the training or evaluation streams.
      const samples = this.dataset.evaluationSample(this.options.samples, new SeededRandom(this.options.seed ^ 0x2545f491));
      // MMD's bandwidth: the median pairwise distance of the reference set (the median
      // heuristic), fixed for the run so MMD values are comparable across steps. A tiny
      // held-out set drawn with replacement can repeat itself so often that the median is
      // 0; the bandwidth is then 1 (the scale of data normalised to [0, 1]).
      const median = medianPairwiseDistance(samples, sampleSize(this.dataset));
      this.reference = { samples, mmdBandwidth: median > 0 ? median : 1 };
    }
    return this.reference;
  }
}
