import { z } from 'zod';
import { datasetNames } from '../data/datasets';
import { withDatasetDefaults } from './dataset-defaults';
import { DEFAULT_FLUSH_INTERVAL_MS } from '../events/event-log-writer';

export const backendChoices = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof backendChoices)[number];

const positiveInt = (max: number) => z.number().int().min(1).max(max);

/** What G and D share: layer sizes and Adam's settings. */
const networkFields = (defaults: { hiddenLayers: number[]; learningRate: number }) => ({
  hiddenLayers: z.array(positiveInt(8192)).min(1).max(32).default(defaults.hiddenLayers),
  learningRate: z.number().gt(0).max(10).default(defaults.learningRate),
  /** Adam's β1; 0.5 as in DCGAN, since the default 0.9 makes GANs oscillate. */
  beta1: z.number().min(0).lt(1).default(0.5),
  beta2: z.number().min(0).lt(1).default(0.999),
});

const generatorConfig = z
  .object({
    ...networkFields({ hiddenLayers: [128, 128], learningRate: 1e-3 }),
    /**
     * Sequences only: output the weights of this many smooth cosines per feature
     * instead of every step (core/model/time-basis-generator.ts); false: every step.
     */
    timeBasis: z.union([z.object({ kind: z.literal('cosine'), size: positiveInt(4096) }).strict(), z.literal(false)]).default(false),
  })
  .strict()
  .default({});

const discriminatorConfig = z
  .object({
    ...networkFields({ hiddenLayers: [128, 128], learningRate: 1e-3 }),
    /** γ of the R1 penalty γ/2·E‖∇ₓD(x)‖² on real samples (Mescheder et al. 2018); 0: off. */
    r1Penalty: z.number().min(0).max(1e6).default(0),
    /**
     * Apply R1 on every k-th D update only, weighted k·γ (StyleGAN2's lazy
     * regularization): the penalty costs more than the rest of a D update, and the
     * gradient it adds changes slowly.
     */
    r1Every: positiveInt(1000).default(1),
  })
  .strict()
  .default({});

/** A plugin by built-in name or module path, with its options. */
export const pluginReferenceSchema = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      options: z.record(z.unknown()).default({}),
    })
    .strict(),
]);
export type PluginReference = z.infer<typeof pluginReferenceSchema>;

/** The `csv` dataset: the user's own series, cut into windows (docs/datasets.md). */
const csvConfig = z
  .object({
    path: z.string().min(1),
    timeColumn: z.string().min(1),
    featureColumns: z.array(z.string().min(1)).min(1).max(1024),
    window: z.number().int().min(2).max(100_000).default(24),
    stride: positiveInt(100_000).default(1),
    heldOutFraction: z.number().gt(0).lt(1).default(0.2),
    splitSeed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict();

/**
 * The whole run configuration. Every key has a default, so `{}` is a valid config
 * (the `npm start` run); unknown keys are errors, not silently ignored.
 */
const trainConfigObject = z
  .object({
    dataset: z.enum(datasetNames).default('ring8'),
    /** Required when dataset is "csv". */
    csv: csvConfig.optional(),
    /** `auto`: advection (with a 3-D convolutional D) for fields, an MLP otherwise (docs/datasets.md). */
    model: z.enum(['auto', 'mlp', 'conv3d', 'advection', 'temporal-conv']).default('auto'),
    temporalConv: z
      .object({
        channels: positiveInt(1024).default(32),
        kernelSize: positiveInt(63).refine((size) => size % 2 === 1, 'must be odd (a centred window over time)').default(5),
      })
      .strict()
      .default({}),
    conv3d: z
      .object({
        discriminatorChannels: z.tuple([positiveInt(256), positiveInt(256)]).default([8, 16]),
        generatorChannels: positiveInt(256).default(4),
        /** The field D: 3-D convolutions, or the clip's frames as the channels of 2-D convolutions. */
        discriminator: z.enum(['conv3d', 'frames-as-channels']).default('conv3d'),
        /** Width of the frames-as-channels D's first convolution (odd), in cells of 2×2 pixels. */
        discriminatorFirstKernelSize: positiveInt(15).refine((size) => size % 2 === 1, 'must be odd (a centred window)').default(3),
      })
      .strict()
      .default({}),
    steps: positiveInt(100_000_000).default(3000),
    /**
     * Both learning rates fall linearly from `startFraction` of the steps to `finalFactor`
     * of themselves at the last step (false: constant). The rates plugins read and set are
     * the undecayed ones; events record the rate applied.
     */
    learningRateDecay: z
      .union([
        z.literal(false),
        z
          .object({
            startFraction: z.number().min(0).lt(1).default(0.5),
            finalFactor: z.number().gt(0).max(1).default(0.01),
          })
          .strict(),
      ])
      .default(false),
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    backend: z.enum(backendChoices).default('auto'),
    out: z.string().min(1).default('runs'),
    batchSize: positiveInt(65_536).default(256),
    latentDim: positiveInt(4096).default(2),
    generator: generatorConfig,
    discriminator: discriminatorConfig,
    evaluation: z
      .object({
        /** Evaluate every N steps (and always once at the end). */
        every: positiveInt(100_000_000).default(500),
        samples: positiveInt(1_000_000).default(2500),
        /** TimeGAN's discriminative score (a classifier trained at each evaluation); sequences and fields only. */
        discriminativeScore: z.boolean().default(true),
      })
      .strict()
      .default({}),
    eventLog: z
      .object({
        /** Longest time an event waits in memory before it is written: the most a SIGKILL can lose. */
        flushIntervalMs: z.number().int().min(1).max(60_000).default(DEFAULT_FLUSH_INTERVAL_MS),
      })
      .strict()
      .default({}),
    /** Turn a plugin's exception into run.failed instead of plugin.failed. */
    failFast: z.boolean().default(false),
    /** The stabilizing plugins and checkpoints are on unless a config lists its own (`[]` for none). */
    plugins: z.array(pluginReferenceSchema).default(['gradient-clipping', 'adaptive-ratio', 'collapse-detection', 'checkpoint']),
  })
  .strict();

/** Keys that reach an object's prototype when a config is merged or spread: never a setting. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Where the first prototype key sits in a parsed JSON value, as a path, if anywhere. */
function prototypeKeyPath(value: unknown, at: (string | number)[] = []): (string | number)[] | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = prototypeKeyPath(item, [...at, index]);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key)) return [...at, key];
      const found = prototypeKeyPath(item, [...at, key]);
      if (found) return found;
    }
  }
  return undefined;
}

export const trainConfigSchema = z.preprocess(
  (input, context) => {
    // Checked at every level, plugin options included, before anything merges the config.
    const found = prototypeKeyPath(input);
    if (found) context.addIssue({ code: z.ZodIssueCode.custom, path: found, message: `"${found.at(-1)}" is not allowed as a key (it would reach the prototype of an object)` });
    return withDatasetDefaults(input);
  },
  trainConfigObject.superRefine((config, context) => {
    if (config.dataset === 'csv' && !config.csv) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['csv'], message: 'dataset "csv" needs a "csv" section: { "path", "timeColumn", "featureColumns", "window", "stride" }' });
    }
    if (config.dataset !== 'csv' && config.csv) {
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['csv'], message: `is only read when dataset is "csv" (dataset is "${config.dataset}")` });
    }
  }),
);

export type TrainConfigInput = z.input<typeof trainConfigObject>;
export type TrainConfig = z.output<typeof trainConfigObject>;
