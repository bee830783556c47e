/**
 * Moran's I (Moran 1950), the spatial autocorrelation of a field, defined in
 * docs/metrics.md: are neighbouring cells alike (I > 0), unrelated (I ≈ 0) or opposite
 * (I < 0)? Fields are [count, frames, height, width], row-major.
 */

function checkGrid(height: number, width: number): void {
  if (!Number.isInteger(height) || height < 1) throw new Error(`height must be a positive integer, got ${height}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`width must be a positive integer, got ${width}`);
  if (height * width < 2) throw new Error(`a ${height} × ${width} frame has no neighbouring cells`);
}

/**
 * Global Moran's I with rook (4-neighbour) binary weights:
 * I = (N / W) · Σ_i Σ_j w_ij (x_i − x̄)(x_j − x̄) / Σ_i (x_i − x̄)², N = height·width,
 * W = Σ w_ij with each adjacent pair counted both ways. Reads height·width values of
 * `frame` from `offset`, so callers can point into a whole batch without copying.
 * A constant frame has no defined I; it gives 0 (no spatial pattern), which is close to
 * the value under spatial randomness, E[I] = −1/(N−1).
 */
export function moransI(frame: Float32Array | Float64Array, height: number, width: number, offset = 0): number {
  checkGrid(height, width);
  const cells = height * width;
  if (!Number.isInteger(offset) || offset < 0 || offset + cells > frame.length) {
    throw new Error(`a ${height} × ${width} frame at offset ${offset} does not fit in ${frame.length} values`);
  }
  let mean = 0;
  for (let cell = 0; cell < cells; cell++) mean += frame[offset + cell];
  mean /= cells;
  let sumOfSquares = 0;
  // Each unordered adjacent pair once; doubled below, since w is symmetric.
  let neighbourProducts = 0;
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const cell = offset + row * width + column;
      const deviation = frame[cell] - mean;
      sumOfSquares += deviation * deviation;
      if (column + 1 < width) neighbourProducts += deviation * (frame[cell + 1] - mean);
      if (row + 1 < height) neighbourProducts += deviation * (frame[cell + width] - mean);
    }
  }
  if (sumOfSquares === 0) return 0;
  const totalWeight = 2 * (height * (width - 1) + (height - 1) * width);
  // One division at the end: for exact inputs (a checkerboard) the result is exact.
  return (cells * 2 * neighbourProducts) / (totalWeight * sumOfSquares);
}

function frameCount(samples: Float32Array, frames: number, height: number, width: number, name: string): number {
  if (!Number.isInteger(frames) || frames < 1) throw new Error(`frames must be a positive integer, got ${frames}`);
  checkGrid(height, width);
  const sampleSize = frames * height * width;
  if (samples.length === 0) throw new Error(`${name} is empty`);
  if (samples.length % sampleSize !== 0) {
    throw new Error(`${name} has ${samples.length} values, not a whole number of fields of ${frames} × ${height} × ${width}`);
  }
  return samples.length / (height * width);
}

/** `name` says which set a shape error is about. */
function meanOverFrames(samples: Float32Array, frames: number, height: number, width: number, name: string): number {
  const count = frameCount(samples, frames, height, width, name);
  const cells = height * width;
  let sum = 0;
  for (let frame = 0; frame < count; frame++) sum += moransI(samples, height, width, frame * cells);
  return sum / count;
}

/** Moran's I averaged over every frame of every sample. */
export function meanMoransI(samples: Float32Array, frames: number, height: number, width: number): number {
  return meanOverFrames(samples, frames, height, width, 'samples');
}

/** |mean I(real) − mean I(generated)|: 0 when the two sets are, on average, equally smooth. */
export function moransIDifference(real: Float32Array, generated: Float32Array, frames: number, height: number, width: number): number {
  return Math.abs(meanOverFrames(real, frames, height, width, 'real') - meanOverFrames(generated, frames, height, width, 'generated'));
}
