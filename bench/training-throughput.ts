/**
 * Steps/s of the default run on each backend that loads, and what the event log and
 * stream cost: the full Trainer (log on disk, events$ with a subscriber, state fold)
 * against the same model and loop with no events at all. Runs alternate A/B (and
 * which goes first alternates too) so the noise of a shared machine falls on both; the
 * figures are medians. The cost is measured on process CPU time (user + system),
 * which time stolen by other processes does not inflate; wall-clock rates are shown too.
 *
 *   npm run build && node dist/bench/training-throughput.js [--steps N] [--repetitions R] [--backends wasm,cpu]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Command } from 'commander';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema, type BackendChoice, type TrainConfig } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { GanModel } from '../core/model/gan-model';
import { Trainer } from '../core/trainer/trainer';
import { SeededRandom } from '../core/util/seeded-random';
import { Subject } from 'rxjs';
import { readEventLog } from '../core/events/event-log-reader';
import { EventLogWriter } from '../core/events/event-log-writer';
import type { RunEvent } from '../core/events/run-event';
import { evolve, initialRunState } from '../core/state/run-state';
import { GuardedEventStream } from '../core/trainer/guarded-event-stream';
import { median } from './support/statistics';

const identity = <T>(value: T) => value;

/** The trainer's loop with nothing recorded: same updates, same single read-back per step. */
interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

async function timed(run: () => Promise<void>): Promise<Timing> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  await run();
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds: (performance.now() - wallStart) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function bareLoop(config: TrainConfig): Promise<void> {
  const dataset = createDataset(config);
  const random = new SeededRandom(config.seed);
  const model = new GanModel(config, dataset, random);
  let lastYieldAt = performance.now();
  for (let step = 1; step <= config.steps; step++) {
    if (performance.now() - lastYieldAt >= 10) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYieldAt = performance.now();
    }
    const packed = [
      model.discriminatorUpdate(dataset.sample(config.batchSize, random), random.nextSeed(), identity),
      model.generatorUpdate(config.batchSize, random.nextSeed(), identity),
    ];
    const scalars = tf.concat(packed);
    await scalars.data();
    scalars.dispose();
    packed.forEach((tensor) => tensor.dispose());
  }
  model.dispose();
}

async function trainerRun(config: TrainConfig, backend: string): Promise<void> {
  const trainer = new Trainer({ config, backend });
  let received = 0;
  trainer.events$.subscribe(() => received++);
  const state = await trainer.run();
  if (received !== state.eventCount) throw new Error('subscriber missed events');
}

/**
 * The event path alone, as Trainer.emit runs it (log append, state fold, delivery to a
 * guarded subscriber), on real recorded step events: µs per event. A/B timing of whole
 * runs cannot resolve a cost under ~2 % on a shared machine; this can.
 */
function eventPathMicroseconds(sampleEvents: RunEvent[], out: string): number {
  const writer = EventLogWriter.create(path.join(out, `event-path-${process.pid}-${Date.now()}`));
  const subject = new Subject<RunEvent>();
  const stream = new GuardedEventStream<RunEvent>(() => ({ name: 'bench', reportFailure: () => undefined }), (subscriber) => subject.subscribe(subscriber));
  let delivered = 0;
  stream.subscribe(() => delivered++);
  let state = initialRunState;
  const count = 200_000;
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) {
    const event = { ...sampleEvents[index % sampleEvents.length], seq: index, time: Date.now() } as RunEvent;
    writer.append(event);
    state = evolve(state, event);
    subject.next(event);
  }
  writer.close();
  const microseconds = ((performance.now() - startedAt) * 1000) / count;
  if (delivered !== count || state.eventCount !== count) throw new Error('event path lost events');
  return microseconds;
}

async function main() {
  const options = new Command()
    .option('--steps <n>', 'steps per measured run on wasm (cpu gets a fifth)', '400')
    .option('--repetitions <n>', 'A/B pairs per backend', '6')
    .option('--backends <list>', 'comma-separated backends to try', 'tensorflow-gpu,tensorflow,wasm,cpu')
    .parse()
    .opts();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-bench-'));
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0].model}, node ${process.version}`);
  for (const choice of options.backends.split(',') as BackendChoice[]) {
    let backend: string;
    try {
      backend = (await selectBackend(choice)).name;
    } catch (error) {
      console.log(`${choice}: skipped (${(error as Error).message})`);
      continue;
    }
    const steps = choice === 'cpu' ? Math.max(20, Math.round(Number(options.steps) / 5)) : Number(options.steps);
    // The default run's model; the run's one evaluation (at its end) made negligible,
    // since the bare loop has none.
    // The plain step measured since issue #2: no R1 penalty (ring8's default has one).
    const config = trainConfigSchema.parse({ steps, out, plugins: [], discriminator: { r1Penalty: 0 }, evaluation: { every: 1e8, samples: 1 } });
    await bareLoop({ ...config, steps: 20 }); // warm-up: kernels compiled, memory sized
    const bare: Timing[] = [];
    const full: Timing[] = [];
    for (let repetition = 0; repetition < Number(options.repetitions); repetition++) {
      const measureBare = async () => void bare.push(await timed(() => bareLoop(config)));
      const measureFull = async () => void full.push(await timed(() => trainerRun(config, backend)));
      if (repetition % 2 === 0) await measureBare().then(measureFull);
      else await measureFull().then(measureBare);
    }
    const rate = (timings: Timing[], key: keyof Timing) => steps / median(timings.map((timing) => timing[key]));
    const lastRun = fs.readdirSync(out).filter((name) => name.includes(config.dataset)).sort().at(-1)!;
    const stepEvents = readEventLog(path.join(out, lastRun)).events.filter((event) => event.type.endsWith('.stepped'));
    const eventsPerStep = stepEvents.length / stepEvents.at(-1)!.step;
    const perEvent = median([0, 1, 2].map(() => eventPathMicroseconds(stepEvents, out)));
    const bareStepMs = (1000 * median(bare.map((timing) => timing.cpuSeconds))) / steps;
    const pairCost = (key: keyof Timing) => median(bare.map((timing, index) => full[index][key] / timing[key] - 1));
    console.log(
      `${choice} (${backend}), ${steps} steps × ${bare.length} pairs: ` +
        `${rate(full, 'wallSeconds').toFixed(1)} steps/s with log and stream, ${rate(bare, 'wallSeconds').toFixed(1)} bare (wall clock); ` +
        `cost of log and stream ${(100 * pairCost('cpuSeconds')).toFixed(2)} % of CPU time (wall clock: ${(100 * pairCost('wallSeconds')).toFixed(2)} %), median over pairs`,
    );
    console.log(
      `  event path alone: ${perEvent.toFixed(2)} µs per event × ${eventsPerStep.toFixed(0)} events per step = ${((perEvent * eventsPerStep) / 1000).toFixed(4)} ms ` +
        `against a bare step of ${bareStepMs.toFixed(2)} ms CPU: ${((100 * perEvent * eventsPerStep) / 1000 / bareStepMs).toFixed(3)} %`,
    );
  }
  fs.rmSync(out, { recursive: true, force: true });
}

void main();
