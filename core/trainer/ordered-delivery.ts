import type { Subject } from 'rxjs';

/**
 * Delivers events to a Subject through a queue, so that an event a subscriber publishes
 * while handling another reaches every subscriber after the one being delivered: every
 * subscriber sees the same order (seq order), even with re-entrant publishing.
 */
export class OrderedDelivery<T> {
  private readonly queue: T[] = [];
  private delivering = false;

  constructor(private readonly subject: Subject<T>) {}

  deliver(event: T): void {
    this.queue.push(event);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) this.subject.next(next);
    } finally {
      this.delivering = false;
    }
  }
}
