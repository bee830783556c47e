import { AsyncLocalStorage } from 'node:async_hooks';
import { config as rxjsConfig } from 'rxjs';

/** Who to tell when a subscriber fails: set while an event is delivered to it. */
export interface SubscriberOwner {
  name: string;
  reportFailure(error: unknown): void;
}

const deliveringTo = new AsyncLocalStorage<SubscriberOwner>();
let installed = false;

/**
 * RxJS 7 never lets an error thrown by a subscriber reach the code that called
 * `next`: it reports it later from a setTimeout through `config.onUnhandledError`
 * (and, by default, crashes the process). That timeout inherits the async context
 * of the delivery, so running each delivery inside `deliveringTo.run(owner, …)` lets
 * the global handler route the error to the trainer and plugin that subscribed.
 * Errors from subscriptions we did not deliver keep RxJS's behaviour.
 */
function installRouting(): void {
  if (installed) return;
  installed = true;
  const previous = rxjsConfig.onUnhandledError;
  rxjsConfig.onUnhandledError = (error: unknown) => {
    const owner = deliveringTo.getStore();
    if (owner) return owner.reportFailure(error);
    if (previous) return previous(error);
    throw error;
  };
}

export function deliverAs<T>(owner: SubscriberOwner, deliver: () => T): T {
  installRouting();
  return deliveringTo.run(owner, deliver);
}
