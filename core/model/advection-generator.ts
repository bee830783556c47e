import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../util/seeded-random';
import './comparison-gradients';
import { dense, DENSE_KERNELS } from './dense';
import { bilinearUpsampling, kronecker, LayerVariables, type FieldShape, type Layer } from './field-layers';
import { VariableNetwork, type NamedVariable } from './network';

/** Kernels the advection generator runs forward and backward besides the dense layers'. */
export const ADVECTION_GENERATOR_KERNELS = [...DENSE_KERNELS, 'Relu', 'Sub', 'Abs', 'Maximum', 'Minimum', 'Multiply', 'Reshape', 'Tile', 'Step', 'GreaterEqual', 'LessEqual', 'Less', 'Select', 'Cast', 'OnesLike', 'Sin', 'Cos', 'ClipByValue', 'LogicalAnd'] as const;

/** Per-column constants of the Lanczos-3 matrices over pixel indices j = 0…size−1, as [1, 1, 1, size]. */
interface LanczosColumns {
  indices: tf.Tensor4D;
  /** −(−1)^j */
  alternatingSign: tf.Tensor4D;
  /** sin(πj/3), cos(πj/3) */
  sinThird: tf.Tensor4D;
  cosThird: tf.Tensor4D;
}

function lanczosColumns(size: number): LanczosColumns {
  const column = (value: (j: number) => number) => tf.tensor4d(Array.from({ length: size }, (_, j) => value(j)), [1, 1, 1, size]);
  return {
    indices: column((j) => j),
    alternatingSign: column((j) => (j % 2 === 0 ? -1 : 1)),
    sinThird: column((j) => Math.sin((Math.PI * j) / 3)),
    cosThird: column((j) => Math.cos((Math.PI * j) / 3)),
  };
}

/**
 * G for fields as advection: one frame of content, carried across the frames by a
 * per-sample velocity. z → dense layers (ReLU) → the middle frame at half the height
 * and width (bilinear ×2 upsampling, as FieldGenerator) and a velocity (v_x, v_y) in px
 * per frame; frame t is the content shifted by (t − t_mid)·v with Lanczos-3
 * interpolation (edges clamped).
 *
 * Why: the motion of a field is most of what makes it a spatiotemporal field, and a
 * generator that writes every frame on its own (FieldGenerator) must learn, frame by
 * frame, to draw the same thing a little further along; it learned neither the shape
 * nor the motion of `blobs` (BENCHMARKS.md). Advection is the simplest physical model
 * of a moving pattern (nowcasting extrapolates radar fields the same way), and with it
 * G learns the pattern once and the motion as two numbers. What it cannot do: patterns
 * that change shape, grow or fade, or move differently in different places.
 *
 * The shift is a pair of [size, size] interpolation matrices per sample and frame
 * (shiftMatrices), applied as batched matMuls
 * (S_y · content · S_xᵀ): fast on wasm, and differentiable in δ, so D's judgement of
 * the motion reaches the velocity.
 */
export class AdvectionGenerator extends VariableNetwork {
  readonly variables: NamedVariable[];
  private readonly hidden: Layer[];
  private readonly layers: Layer[];
  private readonly upsampling: tf.Tensor2D;
  /** (t − t_mid) per frame, [1, frames, 1, 1]. */
  private readonly frameOffsets: tf.Tensor4D;
  /** Per-axis constants of the interpolation matrices. */
  private readonly rowColumns: LanczosColumns;
  private readonly columnColumns: LanczosColumns;

  constructor(
    readonly networkName: string,
    latentDim: number,
    private readonly shape: FieldShape,
    hiddenLayers: readonly number[],
    random: SeededRandom,
  ) {
    super();
    const [frames, height, width] = shape;
    if (height % 2 !== 0 || width % 2 !== 0) throw new Error(`the advection generator draws at half resolution: height and width must be even; the field is ${frames}×${height}×${width}`);
    const variables = new LayerVariables(networkName);
    const sizes = [latentDim, ...hiddenLayers];
    this.hidden = hiddenLayers.map((size, index) => variables.dense(`dense${index}`, sizes[index], size, random));
    const last = sizes[sizes.length - 1];
    this.layers = [variables.dense('content', last, (height / 2) * (width / 2), random), variables.dense('velocity', last, 2, random)];
    this.variables = variables.variables;
    const [rows, columns] = [height / 2, width / 2];
    this.upsampling = tf.tensor2d(kronecker(bilinearUpsampling(rows), [rows, height], bilinearUpsampling(columns), [columns, width]), [rows * columns, height * width]);
    this.frameOffsets = tf.tensor4d(Array.from({ length: frames }, (_, frame) => frame - (frames - 1) / 2), [1, frames, 1, 1]);
    this.rowColumns = lanczosColumns(height);
    this.columnColumns = lanczosColumns(width);
  }

  apply(z: tf.Tensor): tf.Tensor4D {
    const [frames, height, width] = this.shape;
    const [contentLayer, velocityLayer] = this.layers;
    const n = z.shape[0];
    const h = this.hidden.reduce((x, layer) => tf.relu(dense(x, layer.kernel as tf.Tensor2D, layer.bias)), z as tf.Tensor2D);
    const content = tf.reshape(tf.matMul(dense(h, contentLayer.kernel as tf.Tensor2D, contentLayer.bias), this.upsampling), [n, 1, height, width]);
    const velocity = dense(h, velocityLayer.kernel as tf.Tensor2D, velocityLayer.bias);
    const [velocityX, velocityY] = tf.split(velocity, 2, 1).map((component) => tf.reshape(component, [n, 1, 1, 1]));
    const rowShift = this.shiftMatrices(tf.mul(velocityY, this.frameOffsets), this.rowColumns, height); // [n, frames, height, height]
    const columnShift = this.shiftMatrices(tf.mul(velocityX, this.frameOffsets), this.columnColumns, width); // [n, frames, width, width]
    const everyFrame = tf.reshape(tf.broadcastTo(content, [n, frames, height, width]), [n * frames, height, width]);
    const shiftedRows = tf.matMul(tf.reshape(rowShift, [n * frames, height, height]), everyFrame);
    const shifted = tf.matMul(shiftedRows, tf.reshape(columnShift, [n * frames, width, width]), false, true);
    return tf.reshape(shifted, [n, frames, height, width]);
  }

  /**
   * Lanczos-3 interpolation matrices moving a size-pixel axis by `shift` px:
   * [n, frames, size (target), size (source)], each row summing to one. Target pixel i
   * reads the source at q = clamp(i − δ) (edges repeat), with weights
   * L(x) = sinc(x)·sinc(x/3) for x = j − q, |x| < 3, normalised over the grid.
   *
   * Why not linear interpolation: it blurs whatever it shifts by a fraction of a pixel
   * (a Gaussian of σ = 1.5 px shifted by ½ px gains 0.25 px² of variance, 11 %), so a
   * pattern moving by a non-integer number of pixels per frame flickers in sharpness
   * from frame to frame, which D sees at once and G cannot remove except by moving by
   * whole pixels. Lanczos-3 keeps a smooth pattern's shape to within a percent.
   */
  private shiftMatrices(shift: tf.Tensor4D, columns: LanczosColumns, size: number): tf.Tensor4D {
    const targets = tf.reshape(columns.indices, [1, 1, size, 1]);
    const source = tf.minimum(tf.maximum(tf.sub(targets, shift), 0), size - 1); // q: [n, frames, size, 1]
    // sin(π(j − q)) = −(−1)^j·sin(πq) and sin(π(j − q)/3) = sin(πj/3)·cos(πq/3) − cos(πj/3)·sin(πq/3):
    // the sines are taken once per row (q), not once per matrix entry.
    const third = tf.mul(source, Math.PI / 3);
    const sinOfThird = tf.sub(tf.mul(columns.sinThird, tf.cos(third)), tf.mul(columns.cosThird, tf.sin(third)));
    const numerator = tf.mul(tf.mul(columns.alternatingSign, tf.sin(tf.mul(source, Math.PI))), sinOfThird);
    const offset = tf.sub(columns.indices, source); // x = j − q: [n, frames, size, size]
    // Near x = 0 the quotient is 0/0 (and q lands on a whole pixel whenever a shift is
    // clamped at an edge or a velocity is 0): there L(x) ≈ 1 − (5π²/27)·x², its Taylor
    // series. `near` is 1 there and 0 elsewhere; it also keeps the unused quotient's
    // denominator away from 0, so neither branch nor its gradient is ever NaN.
    const squared = tf.square(offset);
    const near = tf.step(tf.sub(1e-6, squared));
    const quotient = tf.div(numerator, tf.mul(tf.add(squared, near), Math.PI ** 2 / 3));
    const taylor = tf.sub(1, tf.mul(squared, (5 * Math.PI ** 2) / 27));
    const lanczos = tf.add(tf.mul(near, taylor), tf.mul(tf.sub(1, near), quotient));
    // The window |x| < 3 (Lanczos-3); at |x| = 3 the kernel is 0 anyway.
    const weights = tf.mul(lanczos, tf.step(tf.sub(9, squared)));
    return tf.div(weights, tf.sum(weights, 3, true)) as tf.Tensor4D;
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.upsampling, this.frameOffsets, ...Object.values(this.rowColumns), ...Object.values(this.columnColumns)]);
  }
}
