import { Observable, Subscriber, type Observer, type Operator, type Subscription, type TeardownLogic } from 'rxjs';

/** Who to tell when a subscriber fails. */
export interface SubscriberOwner {
  name: string;
  reportFailure(error: unknown): void;
}

/**
 * An Observable whose subscribers cannot break the publisher.
 *
 * RxJS 7 never lets an error thrown by a subscriber reach the code that called
 * `next`: it reports it later from a setTimeout through `config.onUnhandledError`,
 * which by default crashes the process, and by then the step that caused it is over.
 * This stream wraps each subscriber's callbacks in a try/catch at subscribe time and
 * hands the error to the owner the stream names (the plugin being applied), at once.
 * An operator chain (`events$.pipe(map(…))`) stays guarded because `lift` returns
 * this class too (the pattern RxJS's Subject uses); an operator's error arrives at the
 * subscriber's `error` callback, which reports it when the plugin gave none.
 */
export class GuardedEventStream<T> extends Observable<T> {
  constructor(
    private readonly resolveOwner: () => SubscriberOwner,
    subscribe?: (this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic,
  ) {
    super(subscribe);
  }

  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new GuardedEventStream<R>(this.resolveOwner);
    lifted.source = this;
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null): Subscription {
    // Operators subscribe upstream with their own Subscriber: pass it through, so
    // unsubscription still propagates along the chain.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const owner = this.resolveOwner();
    const observer: Partial<Observer<T>> = typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
    const guard = (callback: () => void) => {
      try {
        callback();
      } catch (error) {
        owner.reportFailure(error);
      }
    };
    return super.subscribe({
      next: (value) => guard(() => observer.next?.(value)),
      error: (error) => (observer.error ? guard(() => observer.error!(error)) : owner.reportFailure(error)),
      complete: () => guard(() => observer.complete?.()),
    });
  }
}

/**
 * The `events$` of a plugin host: every subscription is guarded, and a failure is
 * blamed on `currentOwner()` at subscribe time (the plugin whose apply() is running).
 */
export function pluginEventStream<T>(source: Observable<T>, currentOwner: () => string | undefined, reportFailure: (owner: string, error: unknown) => void): GuardedEventStream<T> {
  return new GuardedEventStream<T>(
    () => {
      const name = currentOwner() ?? 'events$ subscriber';
      return { name, reportFailure: (error) => reportFailure(name, error) };
    },
    (subscriber) => source.subscribe(subscriber),
  );
}
