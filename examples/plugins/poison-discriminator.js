'use strict';
/**
 * A saboteur for demonstrations and tests: at `atStep`, it multiplies the
 * discriminator's gradients by NaN, so the run's losses turn non-finite, as a
 * diverging run's do. Use it to see collapse detection, rollback and replay at work:
 *   { "plugins": ["collapse-detection", { "name": "./examples/plugins/poison-discriminator.js", "options": { "atStep": 30 } }] }
 */
module.exports = function poisonDiscriminator(options = {}) {
  const atStep = options.atStep ?? 30;
  if (!Number.isInteger(atStep) || atStep < 1) throw new Error(`options.atStep must be a whole number ≥ 1, got ${JSON.stringify(atStep)}`);
  return {
    name: 'poison-discriminator',
    apply(trainer) {
      trainer.hooks.discriminatorGradients.tap('poison-discriminator', (gradients, { step }) => {
        if (step !== atStep) return gradients;
        const { tf } = require('ganpipe');
        return Object.fromEntries(Object.entries(gradients).map(([name, gradient]) => [name, tf.mul(gradient, NaN)]));
      });
    },
  };
};
