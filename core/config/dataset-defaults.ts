import type { DatasetName } from '../data/datasets';

type Settings = Record<string, unknown>;

const sequenceDefaults: Settings = {
  latentDim: 16,
  batchSize: 128,
  // Pairwise metrics (MMD) cost O(samples²): 1,000 keeps an evaluation under a second.
  evaluation: { every: 500, samples: 1000 },
};

/**
 * Smooth series: G writes a few cosines per feature, not all 24 steps
 * (time-basis-generator.ts). Sines make at most one cycle per window: 5 cosines hold
 * them (single exploratory runs, BENCHMARKS.md: discriminative score 0.29 at 6,000 steps against 0.37 with 8 and 0.5
 * without); Seattle's hourly climate normals also carry a daily cycle's harmonics: 8.
 */
const smoothSequence = (size: number): Settings => ({
  ...sequenceDefaults,
  generator: { timeBasis: { kind: 'cosine', size } },
  // As for the mixtures: the learning rates decay over the second half and D carries an
  // R1 penalty, here γ = 10 (data in [0, 1]). Exploratory single runs on timegan-sines
  // (seed 1, 6,000 steps, TimeGAN's discriminative score): 0.41 at 3,000 steps with
  // neither, 0.069 with the decay, 0.020 with R1 γ = 1 as well, 0.004 with γ = 10
  // (BENCHMARKS.md has the 3-seed figures).
  learningRateDecay: {},
  discriminator: { r1Penalty: 10 },
});

/**
 * The 2-D mixtures: the learning rates decay over the second half of the run, so the
 * samples settle on the modes instead of circling them, and D carries an R1 penalty
 * (γ = 1), which makes the game converge; with both, grid25 goes from 17 modes and 5 %
 * high-quality samples at 3,000 steps to all 25 modes (BENCHMARKS.md, mode collapse).
 * (Training in standardized units, the other half of that, comes from the datasets.)
 */
const mixture = (steps: number): Settings => ({ steps, learningRateDecay: {}, discriminator: { r1Penalty: 1 } });

/**
 * Settings that differ by dataset, applied under whatever a config or flag sets: the
 * 2-D mixtures train on a 2-D latent with large batches (PacGAN's setup); sequences
 * need more latent dimensions; fields are costly per sample, so their batches are small.
 */
export const datasetDefaults: Partial<Record<DatasetName, Settings>> = {
  // Short budgets (2–4 minutes) that cover every mode; 20,000 steps reach PacGAN4's
  // precision (BENCHMARKS.md, mode collapse), with the decay stretched to the budget.
  ring8: mixture(5000),
  grid25: mixture(8000),
  sines: { ...smoothSequence(5), steps: 6000 },
  'timegan-sines': { ...smoothSequence(5), steps: 6000 },
  'seattle-weather': smoothSequence(8),
  csv: sequenceDefaults,
  // The advection generator (auto for fields) against the frames-as-channels D, with the
  // decay and a light R1 penalty. Exploratory single runs (bench/blobs-diagnostics.ts,
  // seed 1, 3,000 steps, high-quality share at the end; BENCHMARKS.md): the 3-D
  // convolutional D with R1 γ = 1 held 8 modes but 12 %; with γ = 0, 0.1 or batch 64 it
  // collapsed onto 1–3 velocities; the frames-as-channels D with γ = 0.1 reached 24 %.
  // R1 on every 4th D update (lazy, weighted 4γ): 6.7 steps/s against 5.2 with it on
  // every update, which keeps the 3,000 steps under 10 minutes on one core.
  // Learning rates 4·10⁻³ (both): at 10⁻³ the high-quality share was still climbing when
  // the budget ran out (24 % at 3,000 steps, 37 % at 6,000). Single runs at 3,000 steps,
  // seed 1: 2·10⁻³ 36.8 % (5 modes), 3·10⁻³ 45.8 % (7), 4·10⁻³ 40.3 % (8; seed 2: 43.8 %,
  // 8), 6·10⁻³ 38.0 % (8). None of β₁ = 0, TTUR, two D updates a step, a deeper G, EMA
  // of G or a categorical latent did better than 10⁻³'s 24 % (BENCHMARKS.md).
  blobs: {
    latentDim: 16,
    batchSize: 32,
    steps: 3000,
    generator: { hiddenLayers: [128], learningRate: 4e-3 },
    learningRateDecay: {},
    discriminator: { r1Penalty: 0.1, r1Every: 4, learningRate: 4e-3 },
    conv3d: { discriminator: 'frames-as-channels', discriminatorChannels: [32, 64] },
    evaluation: { every: 250, samples: 400 },
  },
};

const isPlainObject = (value: unknown): value is Settings => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The input with its dataset's defaults filled in underneath (nested sections merged key by key). */
export function withDatasetDefaults(input: unknown): unknown {
  if (!isPlainObject(input)) return input;
  const defaults = datasetDefaults[(input.dataset ?? 'ring8') as DatasetName];
  if (!defaults) return input;
  const merged: Settings = { ...defaults };
  for (const [key, value] of Object.entries(input)) {
    merged[key] = isPlainObject(value) && isPlainObject(defaults[key]) ? { ...(defaults[key] as Settings), ...value } : value;
  }
  return merged;
}
