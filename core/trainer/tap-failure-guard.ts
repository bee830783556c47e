import type { Hook } from 'tapable';

export type TapFailureHandler = (pluginName: string, hookName: string, error: unknown) => void;

/**
 * Wraps every tap registered on `hook` so that a tap that throws (or rejects) is
 * reported under its plugin's name instead of unwinding the training loop. The hook
 * then carries on as if that tap had passed its input through: a waterfall keeps the
 * value it was given, a bail does not bail. `onFailure` may rethrow (fail-fast runs).
 */
export function guardTaps(hookName: string, hook: Hook<unknown, unknown>, isWaterfall: boolean, onFailure: TapFailureHandler): void {
  const isAsync = (hook as object).constructor.name.startsWith('Async');
  hook.intercept({
    register(tap) {
      const original = tap.fn as (...args: unknown[]) => unknown;
      const passThrough = (args: unknown[]) => (isWaterfall ? args[0] : undefined);
      if (tap.type === 'sync') {
        tap.fn = (...args: unknown[]) => {
          try {
            const result = original(...args);
            if (isThenable(result)) {
              // An async function given to tap(): its Promise would be taken for the
              // value (a waterfall's gradients) or dropped unawaited.
              result.then(undefined, () => undefined);
              throw new Error(`${hookName} calls its taps synchronously, but this tap returned a Promise: ${isAsync ? 'give async work to tapPromise()' : 'use a plain function with tap()'}`);
            }
            return result;
          } catch (error) {
            onFailure(tap.name, hookName, error);
            return passThrough(args);
          }
        };
      } else if (tap.type === 'promise') {
        tap.fn = async (...args: unknown[]) => {
          try {
            return await original(...args);
          } catch (error) {
            onFailure(tap.name, hookName, error);
            return passThrough(args);
          }
        };
      } else {
        tap.fn = (...argsAndCallback: unknown[]) => {
          const callback = argsAndCallback.pop() as (error: unknown, result?: unknown) => void;
          const settle = (error: unknown, result?: unknown) => {
            if (error) {
              try {
                onFailure(tap.name, hookName, error);
              } catch (fatal) {
                return callback(fatal);
              }
              return callback(null, passThrough(argsAndCallback));
            }
            callback(null, result);
          };
          try {
            original(...argsAndCallback, settle);
          } catch (error) {
            settle(error);
          }
        };
      }
      return tap;
    },
  });
}

/** Guards every hook of a catalog; waterfalls pass their input through on failure. */
export function guardHookCatalog(hooks: Record<string, unknown>, onFailure: TapFailureHandler): void {
  for (const [hookName, hook] of Object.entries(hooks)) {
    const isWaterfall = (hook as object).constructor.name.includes('Waterfall');
    guardTaps(hookName, hook as Hook<unknown, unknown>, isWaterfall, onFailure);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
