import type { Trainer } from './trainer';

/**
 * A plugin, as in webpack: a name and an `apply` that only taps `trainer.hooks` and
 * subscribes to `trainer.events$`. Options are validated when the plugin is created.
 */
export interface TrainerPlugin {
  readonly name: string;
  apply(trainer: Trainer): void;
}

/** What a built-in or module plugin exports: a factory taking the config's options. */
export type PluginFactory = (options: Record<string, unknown>) => TrainerPlugin;
