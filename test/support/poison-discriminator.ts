import * as path from 'node:path';
import type { PluginFactory, TrainerPlugin } from '../../core/trainer/plugin';
import { ganpipeRoot } from '../../core/util/package-versions';

/** The example saboteur (examples/plugins/poison-discriminator.js): D's gradients × NaN at one step. */
export function poisonDiscriminatorAt(atStep: number): TrainerPlugin {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the example is a CommonJS file, loaded as a config would load it
  const factory = require(path.join(ganpipeRoot(), 'examples/plugins/poison-discriminator.js')) as PluginFactory;
  return factory({ atStep }, { configDir: process.cwd(), resolvePath: (optionPath) => path.resolve(optionPath) });
}
