import { z } from 'zod';
import type { PluginFactory, PluginHost, TrainerPlugin } from '../../core/trainer/plugin';
import { parsePluginOptions } from '../plugin-options';

export const CHECKPOINT = 'checkpoint';

export const checkpointOptionsSchema = z
  .object({
    /** Save every N steps. */
    every: z.number().int().min(1).default(500),
    /** Save once more when the run ends (completed, stopped or interrupted). */
    atEnd: z.boolean().default(true),
  })
  .strict();

export type CheckpointOptions = z.input<typeof checkpointOptionsSchema>;

/**
 * Saves G, D and optimizer state every `every` steps and at the end of the run, each
 * recorded as `checkpoint.saved` (path, step, content hash). Rollback (collapse
 * detection) and `resume` restore from these.
 */
export class CheckpointPlugin implements TrainerPlugin {
  readonly name = CHECKPOINT;
  readonly options: z.output<typeof checkpointOptionsSchema>;

  constructor(options: unknown = {}) {
    this.options = parsePluginOptions(CHECKPOINT, checkpointOptionsSchema, options);
  }

  apply(trainer: PluginHost): void {
    let lastSavedStep = -1;
    // Last of afterStep (stage 100): the checkpoint then holds every other plugin's
    // state after this step, which a resumed run carries on from.
    trainer.hooks.afterStep.tapPromise({ name: CHECKPOINT, stage: 100 }, async ({ step }) => {
      if (step % this.options.every !== 0) return;
      await trainer.saveCheckpoint();
      lastSavedStep = step;
    });
    trainer.hooks.runEnd.tapPromise(CHECKPOINT, async () => {
      if (!this.options.atEnd || lastSavedStep === trainer.step || trainer.step === 0) return;
      await trainer.saveCheckpoint();
    });
  }
}

export const checkpoint: PluginFactory = (options) => new CheckpointPlugin(options);
