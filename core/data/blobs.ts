import { GanpipeError } from '../errors';
import type { SeededRandom } from '../util/seeded-random';
import { trackBlob, type FieldShape } from './blob-track';
import type { Dataset, ModeAssignment } from './dataset';

export interface BlobsOptions {
  /** Frames per sample. */
  frames?: number;
  /** Grid rows. */
  height?: number;
  /** Grid columns. */
  width?: number;
  /** K, the number of velocities (the modes), evenly spaced in direction. */
  velocityCount?: number;
  /** Pixels the blob moves per frame. */
  speed?: number;
  /** σ of the Gaussian blob, in pixels. */
  blobStd?: number;
}

/** A velocity in px per frame: x along a row (column index grows), y down the rows (row index grows). */
export type Velocity = readonly [x: number, y: number];

export interface BlobsDataset extends Dataset {
  readonly modeCount: number;
  /** Mode k's velocity v_k = speed·(cos 2πk/K, sin 2πk/K). */
  readonly velocities: readonly Velocity[];
  /** σ of the Gaussian blob, in pixels. */
  readonly blobStd: number;
  assignModes(samples: Float32Array, count: number): ModeAssignment;
}

/**
 * What a sample must look like to be a high-quality member of its nearest velocity mode.
 * Real samples are all high quality with wide room (test/spatiotemporal-datasets.test.ts).
 * Measured over 2,000 samples with the defaults: masses within 2 % of 2πσ² (the grid cuts
 * the blob off no closer than 2σ + ½ px from its centre), spreads within 6 % of 2σ²,
 * residuals below 0.011 px, velocity errors below 0.005 px per frame against a tolerance
 * of 0.19.
 */
export const blobQualityThresholds = {
  /** Each frame's total weight within ±50 % of a whole blob's, 2πσ². */
  massTolerance: 0.5,
  /** Each frame's spread (mean squared distance from its centre of mass) within ±50 % of a blob's, 2σ². */
  spreadTolerance: 0.5,
  /** RMS distance (px) of the frames' centres of mass from their fitted straight line. */
  maxTrackResidual: 1,
  /** ‖v̂ − v_nearest‖ at most this fraction of the gap between adjacent velocities, 2·speed·sin(π/K). */
  velocityTolerance: 0.25,
  /** Below this fraction of a blob's mass a frame counts as empty: the sample has no nearest mode. */
  emptyFrameMass: 1e-6,
} as const;

/**
 * Moving Gaussian blobs: a spatiotemporal dataset with countable modes. Each sample is
 * one blob exp(−‖p − c_t‖² / 2σ²) (values in [0, 1], background 0) whose centre moves in
 * a straight line, c_t = c_0 + t·v_k, with v_k one of K evenly spaced directions at the
 * same speed, chosen uniformly. c_0 is uniform among the positions that keep every c_t at
 * least 2σ from the outermost pixel centres, so the blob never leaves the grid.
 * A generator that collapses moves its blobs in fewer than K directions.
 * Samples are [frames, height, width] row-major: pixel (y, x) of frame t at t·H·W + y·W + x.
 */
export function blobs(options: BlobsOptions = {}): BlobsDataset {
  const frames = options.frames ?? 8;
  const height = options.height ?? 16;
  const width = options.width ?? 16;
  const velocityCount = options.velocityCount ?? 8;
  const speed = options.speed ?? 1;
  const blobStd = options.blobStd ?? 1.5;
  requireOption(Number.isInteger(frames) && frames >= 2, 'frames', 'an integer ≥ 2 (a velocity needs two frames)', frames);
  requireOption(Number.isInteger(height) && height >= 1, 'height', 'an integer ≥ 1', height);
  requireOption(Number.isInteger(width) && width >= 1, 'width', 'an integer ≥ 1', width);
  requireOption(Number.isInteger(velocityCount) && velocityCount >= 2, 'velocityCount', 'an integer ≥ 2', velocityCount);
  requireOption(Number.isFinite(speed) && speed > 0, 'speed', 'a number > 0', speed);
  // Below half a pixel a blob is mostly one pixel: its mass and centre of mass would depend
  // on where it sits within the pixel, and the quality thresholds would not hold.
  requireOption(Number.isFinite(blobStd) && blobStd >= 0.5, 'blobStd', 'a number ≥ 0.5 (px)', blobStd);

  const shape: FieldShape = { frames, height, width };
  const frameSize = height * width;
  const sampleLength = frames * frameSize;
  const margin = 2 * blobStd;
  const travel = frames - 1;

  const velocities: Velocity[] = Array.from({ length: velocityCount }, (_, k) => [
    speed * Math.cos((2 * Math.PI * k) / velocityCount),
    speed * Math.sin((2 * Math.PI * k) / velocityCount),
  ]);
  // Range of c_0 per velocity, per axis: [lowest, highest] keeping c_0 and c_{F−1} inside the margin.
  const startRanges = velocities.map(([velocityX, velocityY]) => ({
    x: startRange(width, velocityX),
    y: startRange(height, velocityY),
  }));

  function startRange(size: number, velocity: number): { lowest: number; highest: number } {
    const lowest = margin - Math.min(0, travel * velocity);
    const highest = size - 1 - margin - Math.max(0, travel * velocity);
    if (highest < lowest - 1e-9) {
      throw new GanpipeError(
        'GANPIPE_CONFIG_INVALID',
        `blobs: a blob moving ${speed} px per frame for ${frames} frames cannot stay 2σ = ${margin} px ` +
          `from the border of a ${height}×${width} grid (lower speed or frames, or enlarge the grid)`,
      );
    }
    return { lowest, highest: Math.max(lowest, highest) };
  }

  // A whole blob's mass and spread: on a pixel grid with σ ≥ ½ px the sums match the
  // integrals (Poisson summation) to better than 2 %.
  const blobMass = 2 * Math.PI * blobStd ** 2;
  const blobSpread = 2 * blobStd ** 2;
  const velocityTolerance = blobQualityThresholds.velocityTolerance * 2 * speed * Math.sin(Math.PI / velocityCount);

  function drawBlobs(count: number, random: SeededRandom): Float32Array {
    const values = new Float32Array(count * sampleLength);
    const profileX = new Float64Array(width);
    const profileY = new Float64Array(height);
    for (let sample = 0; sample < count; sample++) {
      const mode = random.nextInt(velocityCount);
      const [velocityX, velocityY] = velocities[mode];
      const range = startRanges[mode];
      const startX = range.x.lowest + (range.x.highest - range.x.lowest) * random.next();
      const startY = range.y.lowest + (range.y.highest - range.y.lowest) * random.next();
      for (let frame = 0; frame < frames; frame++) {
        // The Gaussian is separable: one profile per axis, multiplied per pixel.
        gaussianProfile(profileX, startX + frame * velocityX, blobStd);
        gaussianProfile(profileY, startY + frame * velocityY, blobStd);
        const frameOffset = sample * sampleLength + frame * frameSize;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) values[frameOffset + y * width + x] = profileY[y] * profileX[x];
        }
      }
    }
    return values;
  }

  function assignModes(samples: Float32Array, count: number): ModeAssignment {
    const nearest = new Int32Array(count).fill(-1);
    const highQuality = new Uint8Array(count);
    const emptyFrameMass = blobQualityThresholds.emptyFrameMass * blobMass;
    for (let sample = 0; sample < count; sample++) {
      const track = trackBlob(samples, sample * sampleLength, shape, emptyFrameMass);
      if (track === undefined) continue;
      const [mode, velocityError] = nearestVelocity(track.velocity, velocities);
      nearest[sample] = mode;
      const looksLikeBlob =
        track.frameMasses.every((mass) => withinFraction(mass, blobMass, blobQualityThresholds.massTolerance)) &&
        track.frameSpreads.every((spread) => withinFraction(spread, blobSpread, blobQualityThresholds.spreadTolerance)) &&
        track.trackResidual <= blobQualityThresholds.maxTrackResidual;
      highQuality[sample] = looksLikeBlob && velocityError <= velocityTolerance ? 1 : 0;
    }
    return { nearest, highQuality };
  }

  return {
    name: 'blobs',
    kind: 'field',
    // Every value is a Gaussian's, in (0, 1]: G's output is squashed into [0, 1] too, so
    // it can write the flat background that real fields have (an unbounded output leaves
    // small positive noise on every pixel, which spreads a frame's mass: BENCHMARKS.md).
    valueRange: [0, 1],
    sampleShape: [frames, height, width],
    modeCount: velocityCount,
    velocities,
    blobStd,
    assignModes,
    sample: drawBlobs,
    evaluationSample: drawBlobs,
  };
}

function gaussianProfile(profile: Float64Array, centre: number, std: number): void {
  for (let pixel = 0; pixel < profile.length; pixel++) profile[pixel] = Math.exp(-((pixel - centre) ** 2) / (2 * std * std));
}

/** Index of the velocity closest to `velocity`, and the distance to it. */
function nearestVelocity(velocity: Velocity, velocities: readonly Velocity[]): [number, number] {
  let nearest = 0;
  let nearestDistance = Infinity;
  velocities.forEach(([x, y], mode) => {
    const distance = Math.hypot(velocity[0] - x, velocity[1] - y);
    if (distance < nearestDistance) {
      nearest = mode;
      nearestDistance = distance;
    }
  });
  return [nearest, nearestDistance];
}

function withinFraction(value: number, target: number, fraction: number): boolean {
  return value >= (1 - fraction) * target && value <= (1 + fraction) * target;
}

function requireOption(valid: boolean, option: keyof BlobsOptions, expected: string, actual: number): void {
  if (!valid) throw new GanpipeError('GANPIPE_CONFIG_INVALID', `blobs: option "${option}" must be ${expected} (got ${actual})`);
}
