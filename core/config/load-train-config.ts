import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZodIssue } from 'zod';
import { GanpipeError } from '../errors';
import { isModulePath } from './resolve-plugins';
import { trainConfigSchema, type TrainConfig } from './train-config';

export interface LoadedTrainConfig {
  config: TrainConfig;
  /** Directory that relative plugin paths in the config are resolved against. */
  baseDir: string;
}

/** Flags given on the command line, by config key; they override the file. */
export type ConfigOverrides = Partial<Record<'dataset' | 'steps' | 'seed' | 'backend' | 'out', unknown>>;

const flagNames: Record<string, string> = { dataset: '--dataset', steps: '--steps', seed: '--seed', backend: '--backend', out: '--out' };

/**
 * Reads the config file (if any), applies flag overrides and validates the result
 * before anything runs. Errors name where the bad value came from: the flag or
 * `file: field.path`.
 */
export function loadTrainConfig(configFile: string | undefined, overrides: ConfigOverrides = {}): LoadedTrainConfig {
  let fromFile: Record<string, unknown> = {};
  let baseDir = process.cwd();
  if (configFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(configFile, 'utf8');
    } catch (error) {
      throw new GanpipeError('GANPIPE_CONFIG_NOT_FOUND', `config file ${configFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw new GanpipeError('GANPIPE_CONFIG_UNPARSABLE', `config file ${configFile}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) {
      throw new GanpipeError('GANPIPE_CONFIG_INVALID', `config file ${configFile}: expected a JSON object at the top level`);
    }
    baseDir = path.dirname(path.resolve(configFile));
  }
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;

  const result = trainConfigSchema.safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    const topKey = String(issue.path[0] ?? '');
    const source = Object.hasOwn(overrides, topKey) && overrides[topKey as keyof ConfigOverrides] !== undefined
      ? flagNames[topKey]
      : `${configFile ? `config file ${configFile}` : 'config'}: ${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}`;
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${source}: ${describeIssue(issue)}`);
  }
  const config = result.data;
  // Paths in a config file mean relative to that file. They are recorded resolved, so
  // a log says which files its run read, whatever folder it is later read from.
  if (config.csv) config.csv.path = path.resolve(baseDir, config.csv.path);
  config.plugins = config.plugins.map((reference) => {
    const name = typeof reference === 'string' ? reference : reference.name;
    if (!isModulePath(name)) return reference;
    return typeof reference === 'string' ? path.resolve(baseDir, name) : { ...reference, name: path.resolve(baseDir, name) };
  });
  return { config, baseDir };
}

/** Turns a zod issue into "what is wrong, and what is allowed". */
export function describeIssue(issue: ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_enum_value':
      return `"${String(issue.received)}" is not one of ${issue.options.map(String).join(', ')}`;
    case 'invalid_type':
      return `expected ${issue.expected}, got ${issue.received}`;
    case 'too_small':
      return issue.type === 'array' ? `needs at least ${issue.minimum} entries` : `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'array' ? `allows at most ${issue.maximum} entries` : `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    case 'invalid_union':
      return 'expected a plugin name or path, or { "name": ..., "options": {...} }';
    default:
      return issue.message;
  }
}
