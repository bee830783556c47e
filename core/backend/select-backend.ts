import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GanpipeError } from '../errors';
import type { BackendChoice } from '../config/train-config';

export interface SelectedBackend {
  /** The tfjs backend name now active ("tensorflow", "wasm" or "cpu"). */
  name: string;
  /** The choice it satisfied, as the user would write it. */
  choice: Exclude<BackendChoice, 'auto'>;
  /** Why each faster candidate was passed over, for `auto`. */
  skipped: string[];
}

interface Candidate {
  choice: Exclude<BackendChoice, 'auto'>;
  tfBackend: string;
  /** Registers the backend with tfjs-core; throws when the package cannot load. */
  register(): void;
}

// Fastest first: `auto` takes the first that loads. tfjs-node(-gpu) bind libtensorflow,
// which cannot be downloaded on offline machines, so they are optional dependencies.
/* eslint-disable @typescript-eslint/no-require-imports -- optional packages, loaded only when chosen */
const candidates: Candidate[] = [
  { choice: 'tensorflow-gpu', tfBackend: 'tensorflow', register: () => require('@tensorflow/tfjs-node-gpu') },
  { choice: 'tensorflow', tfBackend: 'tensorflow', register: () => require('@tensorflow/tfjs-node') },
  { choice: 'wasm', tfBackend: 'wasm', register: () => require('@tensorflow/tfjs-backend-wasm') },
  { choice: 'cpu', tfBackend: 'cpu', register: () => undefined },
];
/* eslint-enable @typescript-eslint/no-require-imports */

async function tryCandidate(candidate: Candidate): Promise<string | undefined> {
  try {
    candidate.register();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
    return missing ? 'package not installed' : (error as Error).message.split('\n')[0];
  }
  // setBackend resolves false (rather than throwing) when initialisation fails.
  const initialised = await tf.setBackend(candidate.tfBackend).catch(() => false);
  return initialised ? undefined : `backend "${candidate.tfBackend}" failed to initialise`;
}

/** Makes the chosen backend the active one for tfjs-core, or says why it can't. */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    if (choice !== 'auto' && candidate.choice !== choice) continue;
    const failure = await tryCandidate(candidate);
    if (failure === undefined) {
      await tf.ready();
      return { name: tf.getBackend(), choice: candidate.choice, skipped };
    }
    if (choice !== 'auto') {
      throw new GanpipeError(
        'GANPIPE_BACKEND_UNAVAILABLE',
        `--backend ${choice}: ${failure}; available here: ${(await availableBackends()).join(', ')}`,
      );
    }
    skipped.push(`${candidate.choice}: ${failure}`);
  }
  throw new Error(`no TensorFlow.js backend could be initialised (${skipped.join('; ')})`);
}

/** The choices that load on this machine, without changing the active backend for long. */
export async function availableBackends(): Promise<string[]> {
  const active = tf.getBackend();
  const loadable: string[] = [];
  for (const candidate of candidates) {
    try {
      candidate.register();
      loadable.push(candidate.choice);
    } catch {
      // not installed or cannot load: not available
    }
  }
  if (active) await tf.setBackend(active);
  return loadable;
}
