import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GanpipeError } from '../errors';
import type { NamedTensor } from '../model/named-tensor';

export const CHECKPOINT_MANIFEST = 'manifest.json';
export const CHECKPOINT_WEIGHTS = 'weights.bin';

/** What a checkpoint records besides tensors. */
export interface CheckpointMeta {
  runId: string;
  step: number;
  learningRates: { discriminator: number; generator: number };
  /** States of the run's seeded random streams, for exact resumption. */
  randomStates: Record<string, number>;
  /** Each plugin's saveState() at the checkpoint, by plugin name (absent in older checkpoints). */
  pluginStates?: Record<string, unknown>;
}

interface CheckpointManifest {
  format: 'ganpipe-checkpoint-1';
  meta: CheckpointMeta;
  /** tfjs weight specs (name, shape, dtype) of weights.bin, in order. */
  weights: tf.io.WeightsManifestEntry[];
}

/** sha256 over the weights and the manifest: what `checkpoint.saved` records. */
function contentHash(weights: Uint8Array, manifestText: string): string {
  return crypto.createHash('sha256').update(weights).update(manifestText).digest('hex');
}

/**
 * Writes tensors (by stable name) and meta to `dir` in tfjs's weights format
 * (tf.io.encodeWeights: one binary buffer plus specs), atomically: into a temporary
 * directory first, renamed into place, so a crash never leaves half a checkpoint.
 */
export async function writeCheckpoint(dir: string, tensors: NamedTensor[], meta: CheckpointMeta): Promise<{ path: string; hash: string }> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  const weights = new Uint8Array(data as ArrayBuffer);
  const manifestText = JSON.stringify({ format: 'ganpipe-checkpoint-1', meta, weights: specs } satisfies CheckpointManifest, null, 1);
  const staging = `${dir}.partial-${process.pid}`;
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    fs.writeFileSync(path.join(staging, CHECKPOINT_WEIGHTS), weights);
    fs.writeFileSync(path.join(staging, CHECKPOINT_MANIFEST), manifestText);
  } catch (error) {
    // A full disk or an I/O error: no half checkpoint stays behind to be mistaken for one.
    fs.rmSync(staging, { recursive: true, force: true });
    throw new GanpipeError('GANPIPE_WRITE_FAILED', `${dir}: cannot write the checkpoint (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); its partial copy was removed, earlier checkpoints are untouched`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return { path: dir, hash: contentHash(weights, manifestText) };
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  /** Tensors by stable name; the caller disposes them. */
  tensors: tf.NamedTensorMap;
  hash: string;
}

/** Checks a checkpoint's files against the hash its `checkpoint.saved` recorded, without loading tensors. */
export function verifyCheckpointHash(dir: string, expectedHash: string): void {
  const manifestPath = path.join(dir, CHECKPOINT_MANIFEST);
  const weightsPath = path.join(dir, CHECKPOINT_WEIGHTS);
  if (!fs.existsSync(manifestPath) || !fs.existsSync(weightsPath)) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${dir}: not a checkpoint (needs ${CHECKPOINT_MANIFEST} and ${CHECKPOINT_WEIGHTS})`);
  }
  const hash = contentHash(fs.readFileSync(weightsPath), fs.readFileSync(manifestPath, 'utf8'));
  if (hash !== expectedHash) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${dir}: content hash ${hash.slice(0, 12)}… does not match the recorded ${expectedHash.slice(0, 12)}…: the checkpoint changed after it was saved`);
  }
}

/** Just the meta of a checkpoint (no tensors). */
export function readCheckpointMeta(dir: string): CheckpointMeta {
  const manifestPath = path.join(dir, CHECKPOINT_MANIFEST);
  try {
    return (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as CheckpointManifest).meta;
  } catch (error) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${manifestPath}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (error as Error).message}`);
  }
}

/** Reads a checkpoint; with `expectedHash`, refuses one whose content changed. */
export function readCheckpoint(dir: string, expectedHash?: string): LoadedCheckpoint {
  const manifestPath = path.join(dir, CHECKPOINT_MANIFEST);
  const weightsPath = path.join(dir, CHECKPOINT_WEIGHTS);
  if (expectedHash !== undefined) verifyCheckpointHash(dir, expectedHash);
  else if (!fs.existsSync(manifestPath) || !fs.existsSync(weightsPath)) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${dir}: not a checkpoint (needs ${CHECKPOINT_MANIFEST} and ${CHECKPOINT_WEIGHTS})`);
  }
  const manifestText = fs.readFileSync(manifestPath, 'utf8');
  const weights = fs.readFileSync(weightsPath);
  const hash = contentHash(weights, manifestText);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  if (manifest.format !== 'ganpipe-checkpoint-1' || !Array.isArray(manifest.weights)) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${manifestPath}: unknown checkpoint format ${JSON.stringify(manifest.format)}`);
  }
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(buffer, manifest.weights);
  } catch (error) {
    throw new GanpipeError('GANPIPE_CHECKPOINT_INVALID', `${weightsPath}: does not match its manifest (${(error as Error).message})`);
  }
  return { meta: manifest.meta, tensors, hash };
}
