import type { PluginFactory } from '../core/trainer/plugin';

/** Plugins a config can name without a path, by their name. */
export const builtInPlugins: Record<string, PluginFactory> = {};
