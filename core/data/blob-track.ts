/**
 * Where a blob goes in one [frames, height, width] sample: the centre of mass of each
 * frame and the straight line through them. Used to assign blob samples (real or
 * generated) to their velocity mode; see blobs.ts for what counts as a good blob.
 */
export interface BlobTrack {
  /** Least-squares slope of the centres of mass, px per frame: x along a row, y down the rows. */
  velocity: readonly [x: number, y: number];
  /** RMS distance (px) of the frames' centres of mass from the fitted line. */
  trackResidual: number;
  /** Total weight of each frame (weights are max(value, 0)). */
  frameMasses: Float64Array;
  /** Mean squared distance (px²) of each frame's weight from its centre of mass; 2σ² for a Gaussian blob. */
  frameSpreads: Float64Array;
}

export interface FieldShape {
  frames: number;
  height: number;
  width: number;
}

/**
 * Tracks the blob in the sample starting at `offset`. Weights are max(value, 0) so a
 * generator's small negative values cannot cancel mass. Returns undefined when there is
 * nothing to track: a non-finite value, or a frame whose mass is at most `minimumMass`.
 */
export function trackBlob(values: Float32Array, offset: number, shape: FieldShape, minimumMass: number): BlobTrack | undefined {
  const { frames, height, width } = shape;
  const centresX = new Float64Array(frames);
  const centresY = new Float64Array(frames);
  const frameMasses = new Float64Array(frames);
  const frameSpreads = new Float64Array(frames);

  for (let frame = 0; frame < frames; frame++) {
    const frameOffset = offset + frame * height * width;
    let mass = 0;
    let momentX = 0;
    let momentY = 0;
    let secondMoment = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = values[frameOffset + y * width + x];
        if (!Number.isFinite(value)) return undefined;
        const weight = Math.max(value, 0);
        mass += weight;
        momentX += weight * x;
        momentY += weight * y;
        secondMoment += weight * (x * x + y * y);
      }
    }
    if (!(mass > minimumMass)) return undefined;
    centresX[frame] = momentX / mass;
    centresY[frame] = momentY / mass;
    frameMasses[frame] = mass;
    frameSpreads[frame] = secondMoment / mass - (centresX[frame] ** 2 + centresY[frame] ** 2);
  }

  const meanFrame = (frames - 1) / 2;
  const meanX = mean(centresX);
  const meanY = mean(centresY);
  let covarianceX = 0;
  let covarianceY = 0;
  let frameVariance = 0;
  for (let frame = 0; frame < frames; frame++) {
    covarianceX += (frame - meanFrame) * (centresX[frame] - meanX);
    covarianceY += (frame - meanFrame) * (centresY[frame] - meanY);
    frameVariance += (frame - meanFrame) ** 2;
  }
  const velocityX = covarianceX / frameVariance;
  const velocityY = covarianceY / frameVariance;

  let squaredResidual = 0;
  for (let frame = 0; frame < frames; frame++) {
    const residualX = centresX[frame] - (meanX + velocityX * (frame - meanFrame));
    const residualY = centresY[frame] - (meanY + velocityY * (frame - meanFrame));
    squaredResidual += residualX ** 2 + residualY ** 2;
  }

  return {
    velocity: [velocityX, velocityY],
    trackResidual: Math.sqrt(squaredResidual / frames),
    frameMasses,
    frameSpreads,
  };
}

function mean(values: Float64Array): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
