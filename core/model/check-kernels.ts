import * as tf from '@tensorflow/tfjs-core';
import { GanpipeError } from '../errors';

/**
 * Fails before the first step when the backend lacks a kernel the model trains with
 * (tfjs-backend-wasm 4.22, for one, has no Conv2DBackpropFilter), instead of mid-run
 * when the first gradient is taken. The message names every missing kernel and the
 * registered backends that have them all.
 */
export function checkKernels(model: string, requiredKernels: readonly string[], backend: string): void {
  const needed = [...new Set(requiredKernels)];
  const missingOn = (candidate: string) => needed.filter((kernel) => !tf.getKernel(kernel, candidate));
  const missing = missingOn(backend);
  if (missing.length === 0) return;
  const registered = Object.keys((tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory);
  const capable = registered.filter((candidate) => candidate !== backend && missingOn(candidate).length === 0);
  throw new GanpipeError(
    'GANPIPE_MODEL_UNSUPPORTED',
    `model ${model}: backend ${backend} has no ${missing.map((kernel) => `${kernel}`).join(', ')} kernel${missing.length > 1 ? 's' : ''}, which training it needs; ${capable.length > 0 ? `use --backend ${capable.join(' or ')}` : 'no loaded backend has them all'}`,
  );
}
