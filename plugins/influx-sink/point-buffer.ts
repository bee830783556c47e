import type { IPoint } from 'influx';

/**
 * A bounded FIFO of points waiting to be written. When full, the oldest points are
 * dropped and counted: memory stays bounded however long InfluxDB is away, and the
 * log still holds everything for `ganpipe backfill`.
 */
export class PointBuffer {
  private points: IPoint[] = [];
  dropped = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.points.length;
  }

  push(points: IPoint[]): void {
    this.points.push(...points);
    this.dropOverflow();
  }

  /** Takes up to `count` of the oldest points. */
  take(count: number): IPoint[] {
    return this.points.splice(0, count);
  }

  /** Puts back points whose write failed, ahead of newer ones (still bounded). */
  putBack(points: IPoint[]): void {
    this.points.unshift(...points);
    this.dropOverflow();
  }

  /** Over capacity, the oldest points go, counted. */
  private dropOverflow(): void {
    const overflow = this.points.length - this.capacity;
    if (overflow > 0) {
      this.points.splice(0, overflow);
      this.dropped += overflow;
    }
  }
}
