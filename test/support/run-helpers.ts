import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTrainConfig } from './parse-config';
import { selectBackend } from '../../core/backend/select-backend';
import { Trainer, type TrainerOptions } from '../../core/trainer/trainer';
import type { TrainerPlugin } from '../../core/trainer/plugin';
import type { TrainConfigInput } from '../../core/config/train-config';

/** The compiled CLI, as `npx ganpipe` runs it. */
export const cliPath = path.resolve(__dirname, '../../cli/ganpipe.js');

export function temporaryDirectory(prefix = 'ganpipe-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', cwd: options.cwd, env: { ...process.env, ...options.env } });
}

export function spawnCli(args: string[]) {
  return spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A small, fast config for in-process runs: real training, few steps. */
export function smallConfig(overrides: TrainConfigInput = {}): TrainConfigInput {
  return {
    steps: 12,
    batchSize: 32,
    generator: { hiddenLayers: [16] },
    discriminator: { hiddenLayers: [16] },
    evaluation: { every: 5, samples: 200 },
    ...overrides,
  };
}

/** Builds a trainer on the wasm backend writing under a fresh temporary directory. */
export async function createTestTrainer(configInput: TrainConfigInput, plugins: TrainerPlugin[] = [], extra: Partial<TrainerOptions> = {}): Promise<Trainer> {
  const backend = await selectBackend('wasm');
  const config = parseTrainConfig({ out: temporaryDirectory(), ...configInput });
  return new Trainer({ config, backend: backend.name, plugins, ...extra });
}
