import * as fs from 'node:fs';
import * as path from 'node:path';
import { GanpipeError, isGanpipeError } from '../errors';
import type { PluginFactory, PluginFactoryContext, TrainerPlugin } from '../trainer/plugin';
import type { PluginReference } from './train-config';

/** Whether a plugin reference names a module file rather than a built-in plugin. */
export function isModulePath(reference: string): boolean {
  return reference.startsWith('.') || reference.startsWith('/') || /\.(c?js|ts)$/.test(reference);
}

function isPlugin(value: unknown): value is TrainerPlugin {
  return typeof value === 'object' && value !== null && typeof (value as TrainerPlugin).name === 'string' && typeof (value as TrainerPlugin).apply === 'function';
}

/** Loads a module plugin: it exports (as default or as the module) a plugin or a factory of one. */
function loadModulePlugin(modulePath: string, options: Record<string, unknown>, context: PluginFactoryContext, where: string): TrainerPlugin {
  if (!fs.existsSync(modulePath)) throw new GanpipeError('GANPIPE_CONFIG_NOT_FOUND', `${where}: plugin module ${modulePath} does not exist`);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plugin module named by the user's config, known only at run time
    exported = require(modulePath);
  } catch (error) {
    throw new GanpipeError('GANPIPE_PLUGIN_INVALID', `${where}: plugin module ${modulePath} failed to load: ${(error as Error).message.split('\n')[0]}`);
  }
  const candidate = (exported as { default?: unknown })?.default ?? exported;
  const plugin = typeof candidate === 'function' ? (candidate as PluginFactory)(options, context) : candidate;
  if (!isPlugin(plugin)) {
    throw new GanpipeError('GANPIPE_PLUGIN_INVALID', `${where}: ${modulePath} must export a plugin { name, apply(trainer) } or a function (options) => plugin`);
  }
  return plugin;
}

/**
 * Turns the config's plugin references into plugin instances, before the run starts,
 * so an unknown name, a missing module or bad options fail at once with the place
 * in the config that named them.
 */
export function resolvePlugins(references: readonly PluginReference[], builtIns: Record<string, PluginFactory>, baseDir: string): TrainerPlugin[] {
  const context: PluginFactoryContext = { configDir: baseDir, resolvePath: (optionPath) => path.resolve(baseDir, optionPath) };
  return references.map((reference, index) => {
    const { name, options } = typeof reference === 'string' ? { name: reference, options: {} } : reference;
    const where = `plugins[${index}] (${name})`;
    try {
      if (builtIns[name]) return builtIns[name](options, context);
      if (isModulePath(name)) return loadModulePlugin(path.resolve(baseDir, name), options, context, where);
    } catch (error) {
      if (isGanpipeError(error) && error.message.startsWith(where)) throw error;
      throw new GanpipeError(isGanpipeError(error) ? error.code : 'GANPIPE_PLUGIN_INVALID', `${where}: ${(error as Error).message}`);
    }
    const known = Object.keys(builtIns);
    throw new GanpipeError(
      'GANPIPE_PLUGIN_UNKNOWN',
      `${where}: unknown plugin "${name}"; built-in plugins are ${known.length ? known.join(', ') : '(none)'}, or give a module path starting with ./ or /`,
    );
  });
}
