/**
 * The last `capacity` values, kept sorted, for percentiles at every step: insertion
 * and eviction are a binary search and one splice (a memmove), where re-sorting the
 * history each step would cost O(n log n).
 */
export class SortedWindow {
  private readonly sorted: number[] = [];
  private readonly arrival: number[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.sorted.length;
  }

  add(value: number): void {
    if (!Number.isFinite(value)) return; // a NaN norm says nothing about typical norms
    this.sorted.splice(this.lowerBound(value), 0, value);
    this.arrival.push(value);
    if (this.arrival.length > this.capacity) {
      const evicted = this.arrival.shift()!;
      this.sorted.splice(this.lowerBound(evicted), 1);
    }
  }

  /** The values held, oldest first: what a checkpoint keeps. */
  values(): number[] {
    return [...this.arrival];
  }

  /** Replaces the contents with `values` (oldest first), as `values()` returned them. */
  refill(values: readonly number[]): void {
    this.sorted.length = 0;
    this.arrival.length = 0;
    for (const value of values) this.add(value);
  }

  /** The p-th percentile (0–100), nearest-rank on the sorted values; undefined when empty. */
  percentile(p: number): number | undefined {
    if (this.sorted.length === 0) return undefined;
    const rank = Math.ceil((p / 100) * this.sorted.length);
    return this.sorted[Math.min(this.sorted.length - 1, Math.max(0, rank - 1))];
  }

  private lowerBound(value: number): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.sorted[middle] < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
