/**
 * Argument checks shared by the metrics: samples arrive as flat row-major arrays, so a
 * wrong size or shape would otherwise be read silently as other samples. Each message
 * names the set ("real", "generated", "samples") or the option at fault.
 */

export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** How many rows of `rowSize` values `samples` holds; `rowName` describes a row in the error. */
export function rowCount(samples: Float32Array, rowSize: number, name: string, rowName = `rows of dimension ${rowSize}`): number {
  if (samples.length === 0) throw new Error(`${name} is empty`);
  if (samples.length % rowSize !== 0) throw new Error(`${name} has ${samples.length} values, not a whole number of ${rowName}`);
  return samples.length / rowSize;
}

/** How many [length, features] sequences `samples` holds, with length ≥ `minimumLength`. */
export function sequenceCount(samples: Float32Array, length: number, features: number, name: string, minimumLength = 1): number {
  if (!Number.isInteger(length) || length < minimumLength) throw new Error(`length must be ${minimumLength > 1 ? `an integer ≥ ${minimumLength}` : 'a positive integer'}, got ${length}`);
  positiveInteger(features, 'features');
  return rowCount(samples, length * features, name, `sequences of ${length} × ${features}`);
}
