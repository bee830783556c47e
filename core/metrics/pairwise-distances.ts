/**
 * Euclidean distances between all pairs i < j of the rows of a row-major
 * [count, dimension] array, in the order (0,1), (0,2), …, (1,2), …: count·(count−1)/2 values.
 */
export function pairwiseDistances(samples: Float32Array, dimension: number): Float64Array {
  const count = Math.floor(samples.length / dimension);
  const distances = new Float64Array(count > 1 ? (count * (count - 1)) / 2 : 0);
  let pair = 0;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let squared = 0;
      for (let axis = 0; axis < dimension; axis++) {
        const delta = samples[i * dimension + axis] - samples[j * dimension + axis];
        squared += delta * delta;
      }
      distances[pair++] = Math.sqrt(squared);
    }
  }
  return distances;
}
