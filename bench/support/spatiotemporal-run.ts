/**
 * One run of the spatiotemporal benchmark, in its own process (one core): trains with
 * the given config, then scores the final generator of a sequence model with TimeGAN's
 * post-hoc protocols (a GRU classifier, core/metrics/timegan-discriminative-score.ts,
 * and a GRU predictor, core/metrics/timegan-predictive-score.ts), which are too costly
 * for every evaluation, and prints one JSON line: the final evaluation's metrics, the
 * TimeGAN-protocol scores, steps/s and the wall times.
 *
 *   node dist/bench/support/spatiotemporal-run.js CONFIG_JSON
 */
import * as fs from 'node:fs';
import { builtInPlugins } from '../../plugins/built-in-plugins';
import { selectBackend } from '../../core/backend/select-backend';
import { loadTrainConfig } from '../../core/config/load-train-config';
import { resolvePlugins } from '../../core/config/resolve-plugins';
import { readEventLog } from '../../core/events/event-log-reader';
import { timeganDiscriminativeScore } from '../../core/metrics/timegan-discriminative-score';
import { timeganPredictiveScore } from '../../core/metrics/timegan-predictive-score';
import { Trainer } from '../../core/trainer/trainer';
import type { TrainerPlugin } from '../../core/trainer/plugin';
import { SeededRandom } from '../../core/util/seeded-random';

/** Samples of each class the TimeGAN-protocol classifier sees (TimeGAN: the whole dataset). */
const SCORED_SAMPLES = 2000;
/** Generated sequences the predictor trains on and real ones it is tested on: TimeGAN's 10,000 (its whole set, and as many generated). */
const PREDICTED_SAMPLES = 10_000;

async function main() {
  const { config } = loadTrainConfig(process.argv[2]);
  const backend = await selectBackend(config.backend);
  let generated: Float32Array | undefined;
  let real: Float32Array | undefined;
  let generatedForPrediction: Float32Array | undefined;
  let realForPrediction: Float32Array | undefined;
  // At the end of training, before the model is released: the samples to score.
  const finalSamples: TrainerPlugin = {
    name: 'final-samples',
    apply(trainer) {
      trainer.hooks.runEnd.tapPromise('final-samples', async () => {
        generated = trainer.sampleGenerator(SCORED_SAMPLES, config.seed + 7919);
        real = trainer.dataset.evaluationSample(SCORED_SAMPLES, new SeededRandom(config.seed + 104729));
        if (trainer.dataset.kind === 'sequence') {
          generatedForPrediction = trainer.sampleGenerator(PREDICTED_SAMPLES, config.seed + 15485863);
          realForPrediction = trainer.dataset.evaluationSample(PREDICTED_SAMPLES, new SeededRandom(config.seed + 32452843));
        }
      });
    },
  };
  const plugins = [...resolvePlugins(config.plugins, builtInPlugins, process.cwd()), finalSamples];
  const trainer = new Trainer({ config, backend: backend.name, plugins });
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const evaluation = events.findLast((event) => event.type === 'eval.completed');
  const finished = events.at(-1)!;
  if (!evaluation || evaluation.type !== 'eval.completed' || finished.type !== 'run.finished') throw new Error('run did not finish with an evaluation');
  let timegan: { score: number; seconds: number } | null = null;
  let predictive: number | null = null;
  if (trainer.dataset.kind === 'sequence' && generated && real && generatedForPrediction && realForPrediction) {
    const [length, features] = trainer.dataset.sampleShape;
    const startedAt = performance.now();
    const { score } = await timeganDiscriminativeScore(real, generated, length, features, { seed: config.seed });
    timegan = { score, seconds: (performance.now() - startedAt) / 1000 };
    if (features >= 2) predictive = await timeganPredictiveScore(realForPrediction, generatedForPrediction, length, features, { seed: config.seed });
  }
  const steps = events.filter((event) => event.type === 'step.completed').length;
  const result = {
    metrics: evaluation.metrics,
    timeganDiscriminativeScore: timegan?.score ?? null,
    timeganScoreSeconds: timegan?.seconds ?? null,
    timeganPredictiveScore: predictive,
    stepsPerSecond: steps / (finished.wallTimeMs / 1000),
    wallSeconds: finished.wallTimeMs / 1000,
    finishedReason: finished.reason,
    rollbacks: events.filter((event) => event.type === 'collapse.rolledBack').length,
  };
  fs.writeSync(1, JSON.stringify(result) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
