import type { TrainConfig } from '../config/train-config';
import { sampleSize, type Dataset } from '../data/dataset';
import { GanpipeError } from '../errors';
import type { SeededRandom } from '../util/seeded-random';
import { ADVECTION_GENERATOR_KERNELS, AdvectionGenerator } from './advection-generator';
import { FRAMES_AS_CHANNELS_KERNELS, FramesAsChannelsDiscriminator } from './frames-as-channels-discriminator';
import { FIELD_NETWORK_KERNELS, FieldDiscriminator, FieldGenerator, type FieldShape } from './field-networks';
import { Mlp, MLP_KERNELS } from './mlp';
import { MINIBATCH_GROUP_SIZE } from './minibatch-deviation';
import type { Network } from './network';
import { TEMPORAL_CONV_KERNELS, TemporalConvDiscriminator, TemporalConvGenerator } from './temporal-conv-networks';
import { TIME_BASIS_KERNELS, TimeBasisGenerator } from './time-basis-generator';

export type ModelName = 'mlp' | 'conv3d' | 'advection' | 'temporal-conv';

const fieldModels: readonly ModelName[] = ['conv3d', 'advection'];

/** `auto`: the advection generator with a 3-D convolutional D for fields, an MLP (dense over the whole window) otherwise (docs/datasets.md says why). */
export function resolveModelName(config: Pick<TrainConfig, 'model' | 'batchSize'>, dataset: Dataset): ModelName {
  const model = config.model === 'auto' ? (dataset.kind === 'field' ? 'advection' : 'mlp') : config.model;
  if (fieldModels.includes(model) && dataset.kind !== 'field') {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `config: model: "${model}" needs a field dataset (frames × height × width); ${dataset.name} is a ${dataset.kind} dataset (use "mlp" or "auto")`);
  }
  if (fieldModels.includes(model) && config.batchSize % MINIBATCH_GROUP_SIZE !== 0) {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `config: batchSize: ${config.batchSize} must be a multiple of ${MINIBATCH_GROUP_SIZE} for the ${model} model (its D compares samples in groups of ${MINIBATCH_GROUP_SIZE})`);
  }
  if (model === 'temporal-conv' && dataset.kind !== 'sequence') {
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `config: model: "temporal-conv" needs a sequence dataset (length × features); ${dataset.name} is a ${dataset.kind} dataset (use "mlp" or "auto")`);
  }
  return model;
}

/**
 * What every GAN update runs whatever the networks: the losses, D's accuracy, the
 * gradient norm, Adam, the output squashing (gan-model.ts).
 */
const GAN_UPDATE_KERNELS = ['Add', 'AddN', 'Cast', 'Concat', 'Greater', 'Identity', 'LessEqual', 'LogicalNot', 'Mean', 'Multiply', 'Neg', 'Pack', 'RealDiv', 'Select', 'Sigmoid', 'Softplus', 'SplitV', 'Sqrt', 'Square', 'Step', 'Sub', 'Sum', 'ZerosLike'] as const;

/**
 * Every kernel one training step of a model runs (its networks' and the update's), for
 * the kernel check before the first step; test/model-kernels.test.ts profiles a real
 * step of each model and fails when one is missing here.
 */
export const modelKernels: Record<ModelName, readonly string[]> = {
  mlp: [...GAN_UPDATE_KERNELS, ...MLP_KERNELS, ...TIME_BASIS_KERNELS],
  conv3d: [...GAN_UPDATE_KERNELS, ...FIELD_NETWORK_KERNELS],
  advection: [...GAN_UPDATE_KERNELS, ...FIELD_NETWORK_KERNELS, ...FRAMES_AS_CHANNELS_KERNELS, ...ADVECTION_GENERATOR_KERNELS],
  'temporal-conv': [...GAN_UPDATE_KERNELS, ...TEMPORAL_CONV_KERNELS],
};

/** G and D for a dataset. The same seed gives the same initial weights. */
export function buildNetworks(model: ModelName, config: TrainConfig, dataset: Dataset, random: SeededRandom): { generator: Network; discriminator: Network } {
  if (fieldModels.includes(model)) {
    const shape = dataset.sampleShape as unknown as FieldShape;
    const { discriminatorChannels, generatorChannels } = config.conv3d;
    // G first: the order in which the random stream is consumed is part of a run's identity.
    const generator =
      model === 'advection'
        ? new AdvectionGenerator('generator', config.latentDim, shape, config.generator.hiddenLayers, random)
        : new FieldGenerator('generator', config.latentDim, shape, config.generator.hiddenLayers[0], generatorChannels, random);
    const discriminator =
      config.conv3d.discriminator === 'frames-as-channels'
        ? new FramesAsChannelsDiscriminator('discriminator', shape, discriminatorChannels, config.conv3d.discriminatorFirstKernelSize, random)
        : new FieldDiscriminator('discriminator', shape, discriminatorChannels, random);
    return { generator, discriminator };
  }
  if (model === 'temporal-conv') {
    const [length, features] = dataset.sampleShape;
    const spec = { length, features, ...config.temporalConv };
    const generator = new TemporalConvGenerator('generator', config.latentDim, config.generator.hiddenLayers[0], spec, random);
    return { generator, discriminator: new TemporalConvDiscriminator('discriminator', spec, random) };
  }
  const dimension = sampleSize(dataset);
  const timeBasis = dataset.kind === 'sequence' ? config.generator.timeBasis : false;
  if (timeBasis) {
    const [length, features] = dataset.sampleShape;
    if (timeBasis.size > length) throw new GanpipeError('GANPIPE_CONFIG_INVALID', `config: generator.timeBasis.size: ${timeBasis.size} cosines for windows of ${length} steps; at most ${length}`);
    const coefficients = new Mlp('generator', { inputSize: config.latentDim, hiddenLayers: config.generator.hiddenLayers, outputSize: timeBasis.size * features, activation: 'relu' }, random);
    const discriminator = new Mlp('discriminator', { inputSize: dimension, hiddenLayers: config.discriminator.hiddenLayers, outputSize: 1, activation: 'leakyRelu' }, random);
    return { generator: new TimeBasisGenerator(coefficients, length, features, timeBasis.size), discriminator };
  }
  const generator = new Mlp('generator', { inputSize: config.latentDim, hiddenLayers: config.generator.hiddenLayers, outputSize: dimension, activation: 'relu' }, random);
  const discriminator = new Mlp('discriminator', { inputSize: dimension, hiddenLayers: config.discriminator.hiddenLayers, outputSize: 1, activation: 'leakyRelu' }, random);
  return { generator, discriminator };
}
