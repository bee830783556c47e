'use strict';
/**
 * An example plugin, complete: it watches the event stream for generator-loss spikes
 * (a loss more than `factor` times the mean of the previous `window` losses), records
 * each as a `plugin.custom` event, and, with `stopAfter`, stops the run through the
 * `shouldStop` hook once that many spikes were seen.
 *
 * Load it by path from a run config:
 *   { "plugins": [{ "name": "./examples/plugins/loss-spike-alert.js", "options": { "factor": 3 } }] }
 */

const NAME = 'loss-spike-alert';

/** @param {{ factor?: number, window?: number, stopAfter?: number }} options */
function validate(options) {
  const { factor = 3, window = 50, stopAfter } = options;
  if (typeof factor !== 'number' || !(factor > 0)) throw new Error(`options.factor must be a positive number, got ${JSON.stringify(factor)}`);
  if (!Number.isInteger(window) || window < 1) throw new Error(`options.window must be a whole number ≥ 1, got ${JSON.stringify(window)}`);
  if (stopAfter !== undefined && (!Number.isInteger(stopAfter) || stopAfter < 1)) throw new Error(`options.stopAfter must be a whole number ≥ 1, got ${JSON.stringify(stopAfter)}`);
  return { factor, window, stopAfter };
}

/**
 * @param {{ factor?: number, window?: number, stopAfter?: number }} [options]
 * @returns {import('ganpipe').TrainerPlugin}
 */
module.exports = function lossSpikeAlert(options = {}) {
  const { factor, window, stopAfter } = validate(options);
  return {
    name: NAME,
    apply(trainer) {
      /** @type {number[]} */
      const recent = [];
      let spikes = 0;
      trainer.events$.subscribe((event) => {
        if (event.type !== 'generator.stepped' || event.loss === null) return;
        if (recent.length === window) {
          const mean = recent.reduce((sum, loss) => sum + loss, 0) / window;
          if (event.loss > factor * mean) {
            spikes++;
            trainer.publish('plugin.custom', { plugin: NAME, name: 'generator-loss-spike', data: { loss: event.loss, windowMean: mean, factor } });
          }
          recent.shift();
        }
        recent.push(event.loss);
      });
      if (stopAfter !== undefined) {
        trainer.hooks.shouldStop.tap(NAME, () => (spikes >= stopAfter ? `${spikes} generator loss spikes` : undefined));
      }
    },
  };
};
