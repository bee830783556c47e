import * as tf from '@tensorflow/tfjs-core';
// Registers tfjs's gradients (through tfjs-layers' bundle: tfjs-core's CommonJS bundle
// registers none) and replaces BatchMatMul's with the fast one.
import './plain-matmul-gradient';
import './comparison-gradients';
import type { TrainConfig } from '../config/train-config';
import type { NamedTensor } from './named-tensor';
import type { Dataset } from '../data/dataset';
import { SeededRandom } from '../util/seeded-random';
import { buildNetworks, resolveModelName, type ModelName } from './build-networks';
import type { Network } from './network';
import { learningRateFactor } from './learning-rate-decay';

export type NetworkName = 'discriminator' | 'generator';

/** Gradients by stable variable name ("discriminator/dense0/kernel" → tensor). */
export type NamedGradients = Record<string, tf.Tensor>;

/** Called between computing and applying gradients; returns what will be applied. */
export type GradientTransform = (gradients: NamedGradients) => NamedGradients;

/** Scalars of one discriminator update, packed in one tensor so a step reads back once. */
export const DISCRIMINATOR_SCALARS = ['loss', 'gradNorm', 'meanRealOutput', 'meanFakeOutput', 'accuracy'] as const;
export const GENERATOR_SCALARS = ['loss', 'gradNorm'] as const;

interface NetworkParts {
  network: Network;
  optimizer: tf.AdamOptimizer;
  learningRate: number;
  /** stable name → engine variable name, for optimizer.applyGradients. */
  engineNames: Map<string, string>;
}

interface AdamBiasCorrections {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** √(Σ‖g‖²) over all of a network's gradients. */
export function globalNorm(gradients: NamedGradients): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(gradients).map((gradient) => tf.sum(tf.square(gradient))))) as tf.Scalar);
}

/**
 * A GAN (an MLP for points and sequences, 3-D convolutions for fields; see
 * build-networks.ts) trained with the non-saturating loss
 * (Goodfellow et al. 2014): D minimises softplus(−D(x)) + softplus(D(G(z))),
 * G minimises softplus(−D(G(z))). Every update is one tf.tidy: the only tensor that
 * leaves it is the packed scalars, which the caller disposes after reading.
 */
export class GanModel {
  readonly generator: NetworkParts;
  readonly discriminator: NetworkParts;
  readonly modelName: ModelName;
  private readonly sampleShape: number[];
  private readonly valueRange?: readonly [number, number];
  /** The data's per-value mean and std as tensors, when the dataset declares them. */
  private readonly standardization?: { mean: tf.Tensor; std: tf.Tensor };
  /** The learning-rate decay's factor for the current step (learning-rate-decay.ts). */
  private decayFactor = 1;
  /** D updates so far: which of them carry the lazy R1 penalty. Restored from Adam's iteration count. */
  private discriminatorUpdates = 0;

  constructor(
    private readonly config: TrainConfig,
    dataset: Dataset,
    random: SeededRandom,
  ) {
    this.modelName = resolveModelName(config, dataset);
    this.sampleShape = [...dataset.sampleShape];
    this.valueRange = dataset.valueRange;
    if (dataset.standardization) {
      const { mean, std } = dataset.standardization;
      this.standardization = { mean: tf.tensor(mean as number[], this.sampleShape), std: tf.tensor(std as number[], this.sampleShape) };
    }
    const networks = buildNetworks(this.modelName, config, dataset, random);
    const build = (network: Network, net: { learningRate: number; beta1: number; beta2: number }): NetworkParts => ({
      network,
      optimizer: tf.train.adam(net.learningRate, net.beta1, net.beta2),
      learningRate: net.learningRate,
      engineNames: new Map(network.variables.map(({ name: stable, variable }) => [stable, variable.name])),
    });
    this.generator = build(networks.generator, config.generator);
    this.discriminator = build(networks.discriminator, config.discriminator);
  }

  network(name: NetworkName): NetworkParts {
    return name === 'generator' ? this.generator : this.discriminator;
  }

  /** Trainable weights by stable name (for plugins such as adaptive gradient clipping). */
  weights(name: NetworkName): ReadonlyMap<string, tf.Variable> {
    return new Map(this.network(name).network.variables.map(({ name: stable, variable }) => [stable, variable]));
  }

  /** Sets a network's undecayed learning rate (what plugins and checkpoints deal in). */
  setLearningRate(name: NetworkName, learningRate: number): void {
    const parts = this.network(name);
    parts.learningRate = learningRate;
    this.applyLearningRate(parts);
  }

  /** Applies the configured decay for `step` to both networks' learning rates. */
  decayLearningRates(step: number): void {
    this.decayFactor = learningRateFactor(this.config.learningRateDecay, step, this.config.steps);
    this.applyLearningRate(this.generator);
    this.applyLearningRate(this.discriminator);
  }

  /** The rate the optimizer applies now: the undecayed one times the decay factor. */
  appliedLearningRate(name: NetworkName): number {
    return this.network(name).learningRate * this.decayFactor;
  }

  private applyLearningRate(parts: NetworkParts): void {
    // AdamOptimizer reads this field on every applyGradients; tfjs has no setter.
    (parts.optimizer as unknown as { learningRate: number }).learningRate = parts.learningRate * this.decayFactor;
  }

  noise(count: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([count, this.config.latentDim], 0, 1, 'float32', seed);
  }

  /** One D update on a real batch; returns [loss, gradNorm, meanRealOutput, meanFakeOutput, accuracy]. */
  discriminatorUpdate(realBatch: Float32Array, noiseSeed: number, transform: GradientTransform): tf.Tensor1D {
    return tf.tidy(() => {
      const batchSize = realBatch.length / this.sampleShape.reduce((product, size) => product * size, 1);
      const real = tf.tensor(realBatch, [batchSize, ...this.sampleShape]);
      const fake = this.generateTensor(this.noise(batchSize, noiseSeed));
      let meanRealOutput: tf.Scalar | undefined;
      let meanFakeOutput: tf.Scalar | undefined;
      let accuracy: tf.Scalar | undefined;
      let adversarialLoss: tf.Scalar | undefined;
      const { r1Penalty, r1Every } = this.config.discriminator;
      const r1Weight = r1Penalty > 0 && this.discriminatorUpdates % r1Every === 0 ? r1Penalty * r1Every : 0;
      this.discriminatorUpdates++;
      const { grads } = tf.variableGrads(() => {
        // One pass over real and generated together: half the matMul calls of two
        // passes, and larger ones, which the wasm kernels run more efficiently.
        const logits = this.discriminate(tf.concat([real, fake], 0));
        const [realLogits, fakeLogits] = tf.split(logits, [batchSize, batchSize], 0);
        // Kept past variableGrads' inner scope; disposed below once packed.
        meanRealOutput = tf.keep(tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
        meanFakeOutput = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
        // Share of the real and generated batch D classifies correctly (logit sign).
        accuracy = tf.keep(tf.div(tf.add(tf.sum(tf.cast(tf.greater(realLogits, 0), 'float32')), tf.sum(tf.cast(tf.lessEqual(fakeLogits, 0), 'float32'))), 2 * batchSize) as tf.Scalar);
        // The loss D reports is the adversarial one: the penalty is a regularizer, and
        // plugins read the loss as "how well D separates" (e.g. vanishing gradients).
        adversarialLoss = tf.keep(tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar);
        return r1Weight > 0 ? (tf.add(adversarialLoss, tf.mul(r1Weight / 2, this.squaredInputGradient(real))) as tf.Scalar) : adversarialLoss;
      }, this.discriminator.network.trainableVariables());
      const kept = [adversarialLoss!, meanRealOutput!, meanFakeOutput!, accuracy!];
      const packed = this.applyTransformed('discriminator', grads, transform, kept);
      kept.forEach((tensor) => tensor.dispose());
      return packed;
    });
  }

  /**
   * E‖∇ₓD(x)‖² over real samples (D's logit): the R1 penalty of Mescheder et al. 2018,
   * which makes the GAN converge instead of circling the equilibrium, so generated
   * modes sharpen instead of staying blurred (BENCHMARKS.md, mode collapse).
   */
  private squaredInputGradient(real: tf.Tensor): tf.Scalar {
    const inputGradient = tf.grad((input: tf.Tensor) => tf.sum(this.discriminate(input)))(real);
    return tf.mean(tf.sum(tf.square(tf.reshape(inputGradient, [real.shape[0], -1])), 1)) as tf.Scalar;
  }

  /** One G update; returns [loss, gradNorm]. */
  generatorUpdate(batchSize: number, noiseSeed: number, transform: GradientTransform): tf.Tensor1D {
    return tf.tidy(() => {
      const z = this.noise(batchSize, noiseSeed);
      const { value: loss, grads } = tf.variableGrads(
        () => tf.mean(tf.softplus(tf.neg(this.discriminate(this.generateTensor(z))))),
        this.generator.network.trainableVariables(),
      );
      return this.applyTransformed('generator', grads, transform, [loss]);
    });
  }

  private applyTransformed(name: NetworkName, engineGradients: tf.NamedTensorMap, transform: GradientTransform, [loss, ...extra]: tf.Scalar[]): tf.Tensor1D {
    const parts = this.network(name);
    const named: NamedGradients = {};
    for (const [stable, engineName] of parts.engineNames) named[stable] = engineGradients[engineName];
    const gradNorm = globalNorm(named);
    const transformed = transform(named);
    const toApply: tf.NamedTensorMap = {};
    for (const [stable, engineName] of parts.engineNames) {
      const gradient = transformed[stable];
      if (!gradient) throw new Error(`gradient hook dropped ${stable}; a hook must return every gradient it was given`);
      toApply[engineName] = gradient;
    }
    // tfjs types this parameter as a map of Variables, but it takes gradient tensors by variable name.
    parts.optimizer.applyGradients(toApply as unknown as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    return tf.stack([loss, gradNorm, ...extra]) as tf.Tensor1D;
  }

  /** D's logits for samples in data units, shaped [n, 1]. */
  private discriminate(samples: tf.Tensor): tf.Tensor {
    if (!this.standardization) return this.discriminator.network.apply(samples);
    return this.discriminator.network.apply(tf.div(tf.sub(samples, this.standardization.mean), this.standardization.std));
  }

  /** G's output for latent vectors z, in data units, shaped [n, ...sampleShape]. */
  generateTensor(z: tf.Tensor2D): tf.Tensor {
    let output = tf.reshape(this.generator.network.apply(z), [z.shape[0], ...this.sampleShape]);
    if (this.valueRange) {
      const [low, high] = this.valueRange;
      output = tf.add(tf.mul(tf.sigmoid(output), high - low), low);
    } else if (this.standardization) {
      output = tf.add(tf.mul(output, this.standardization.std), this.standardization.mean);
    }
    return output;
  }

  /** `count` generated samples, row-major [count, ...sampleShape]. */
  async generate(count: number, seed: number): Promise<Float32Array> {
    const samples = tf.tidy(() => this.generateTensor(this.noise(count, seed)));
    try {
      return (await samples.data()) as Float32Array;
    } finally {
      samples.dispose();
    }
  }

  /**
   * The weights and both optimizers' state under stable names, for checkpoints:
   * "<net>/dense0/kernel", "<net>/optimizer/iterations", "<net>/optimizer/m/<weight>",
   * "<net>/optimizer/v/<weight>". Call `release` when done with the tensors.
   */
  async snapshot(): Promise<{ tensors: NamedTensor[]; release(): void }> {
    const tensors: NamedTensor[] = [];
    const made: tf.Tensor[] = [];
    for (const net of ['generator', 'discriminator'] as const) {
      const parts = this.network(net);
      for (const { name, variable } of parts.network.variables) tensors.push({ name, tensor: variable });
      const stableByEngine = new Map([...parts.engineNames].map(([stable, engine]) => [engine, stable]));
      // Adam's weights: [iterations, first moments…, second moments…], named
      // "<engine variable name>/m" and "…/v" after the names we applied gradients under.
      const [iterations, ...moments] = await parts.optimizer.getWeights();
      made.push(iterations.tensor);
      tensors.push({ name: `${net}/optimizer/iterations`, tensor: iterations.tensor });
      // Adam's bias corrections β^t are kept as running products; setWeights recomputes
      // them with pow(), which differs in the last bits, so a resumed run would drift.
      // They are saved as they are (tfjs marks them protected, hence the cast).
      const { accBeta1, accBeta2 } = parts.optimizer as unknown as AdamBiasCorrections;
      tensors.push({ name: `${net}/optimizer/accBeta1`, tensor: accBeta1 }, { name: `${net}/optimizer/accBeta2`, tensor: accBeta2 });
      moments.forEach(({ name, tensor }, index) => {
        const kind = index < moments.length / 2 ? 'm' : 'v';
        const engineName = name.replace(/\/[mv]$/, '');
        tensors.push({ name: `${net}/optimizer/${kind}/${stableByEngine.get(engineName) ?? engineName}`, tensor });
      });
    }
    return { tensors, release: () => made.forEach((tensor) => tensor.dispose()) };
  }

  /** Puts back what `snapshot` recorded (the tensors stay the caller's to dispose). */
  async restore(tensors: tf.NamedTensorMap): Promise<void> {
    const take = (name: string) => {
      const tensor = tensors[name];
      if (!tensor) throw new Error(`checkpoint has no tensor "${name}"`);
      return tensor;
    };
    for (const net of ['generator', 'discriminator'] as const) {
      const parts = this.network(net);
      for (const { name, variable } of parts.network.variables) {
        const value = take(name);
        if (!tf.util.arraysEqual(value.shape, variable.shape)) {
          throw new Error(`checkpoint tensor "${name}" has shape [${value.shape}], the model has [${variable.shape}]`);
        }
        variable.assign(value);
      }
      const weightValues: NamedTensor[] = [{ name: 'iterations', tensor: take(`${net}/optimizer/iterations`) }];
      const hasMoments = [...parts.engineNames.keys()].every((stable) => tensors[`${net}/optimizer/m/${stable}`]);
      if (hasMoments) {
        for (const kind of ['m', 'v']) {
          for (const [stable, engine] of parts.engineNames) weightValues.push({ name: `${engine}/${kind}`, tensor: take(`${net}/optimizer/${kind}/${stable}`) });
        }
      }
      // Adam's setWeights replaces its moment variables without disposing the old ones.
      const [oldIterations, ...oldMoments] = await parts.optimizer.getWeights();
      await parts.optimizer.setWeights(weightValues);
      oldIterations.tensor.dispose();
      oldMoments.forEach(({ tensor }) => tensor.dispose());
      const { accBeta1, accBeta2 } = parts.optimizer as unknown as AdamBiasCorrections;
      accBeta1.assign(take(`${net}/optimizer/accBeta1`));
      accBeta2.assign(take(`${net}/optimizer/accBeta2`));
    }
    // Adam counts every applied update: for D, the D updates a resumed run has already done.
    this.discriminatorUpdates = (await take('discriminator/optimizer/iterations').data())[0];
  }

  dispose(): void {
    this.standardization?.mean.dispose();
    this.standardization?.std.dispose();
    for (const parts of [this.generator, this.discriminator]) {
      parts.network.dispose();
      parts.optimizer.dispose();
    }
  }
}
