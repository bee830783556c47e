/**
 * Sink throughput into a local influxd (points/s, sustained, in batches of 5,000 as
 * the sink writes them, two in flight), and what the sink costs a training step: the CPU time it
 * spends per point (turning events into points, buffering, formatting line protocol,
 * HTTP) times the points a step makes, against the step's own time, plus an A/B of
 * whole runs with and without the sink.
 *
 *   npm run build && node dist/bench/influx-sink.js [--points 500000] [--steps 300] [--repetitions 4]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { InfluxDB, type IPoint } from 'influx';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { readEventLog } from '../core/events/event-log-reader';
import { Trainer } from '../core/trainer/trainer';
import { InfluxSinkPlugin } from '../plugins/influx-sink';
import { eventToPoints, metricSchema } from '../plugins/influx-sink/metric-schema';
import { requireInfluxdOrSkip, startPrivateInfluxd } from '../test/support/influxd';
import { median } from './support/statistics';

async function main() {
  const options = new Command().option('--points <n>', 'points to write', '500000').option('--steps <n>', 'steps per A/B run', '300').option('--repetitions <n>', 'A/B pairs', '4').parse().opts();
  const binary = requireInfluxdOrSkip();
  if (!binary) return;
  const influxd = await startPrivateInfluxd(binary);
  try {
    await selectBackend('wasm');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-sink-bench-'));
    const port = Number(new URL(influxd.url).port);

    // A recorded run gives realistic events and points.
    const config = trainConfigSchema.parse({ steps: Number(options.steps), out, plugins: [], evaluation: { every: 100, samples: 500 } });
    const recorder = new Trainer({ config, backend: 'wasm' });
    await recorder.run();
    const events = readEventLog(recorder.runDir).events;
    const tags = { run: recorder.runId, dataset: 'ring8' };
    const pointsPerStep = events.flatMap((event) => eventToPoints(event, tags)).length / config.steps;

    // Throughput: the sink's write path, batch after batch, distinct timestamps.
    const client = new InfluxDB({ host: '127.0.0.1', port, database: 'throughput', schema: metricSchema });
    await client.createDatabase('throughput');
    const total = Number(options.points);
    const template = events.filter((event) => event.type === 'discriminator.stepped');
    const startTime = Date.now() - total;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    // Two writers, as the sink runs them (concurrentWrites: 2).
    let nextOffset = 0;
    const writer = async () => {
      while (nextOffset < total) {
        const offset = nextOffset;
        nextOffset += 5000;
        const batch: IPoint[] = [];
        for (let index = offset; index < Math.min(total, offset + 5000); index++) {
          const event = { ...template[index % template.length], time: startTime + index };
          batch.push(...eventToPoints(event, tags));
        }
        await client.writePoints(batch, { precision: 'ms' });
      }
    };
    await Promise.all([writer(), writer()]);
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMicrosecondsPerPoint = (cpu.user + cpu.system) / total;
    console.log(`throughput: ${total} points in ${wallSeconds.toFixed(1)} s = ${Math.round(total / wallSeconds)} points/s sustained (batches of 5,000, two writes in flight as the sink does; influxd ${binary})`);
    console.log(`sink CPU on the training process: ${cpuMicrosecondsPerPoint.toFixed(2)} µs per point (event → point, line protocol, HTTP) × ${pointsPerStep.toFixed(2)} points per step = ${((cpuMicrosecondsPerPoint * pointsPerStep) / 1000).toFixed(4)} ms per step`);

    // A/B: whole runs with and without the sink.
    const timings = { without: [] as number[], with: [] as number[] };
    for (let repetition = 0; repetition < Number(options.repetitions); repetition++) {
      for (const variant of repetition % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        const plugins = variant === 'with' ? [new InfluxSinkPlugin({ url: `${influxd.url}/ab` })] : [];
        const trainer = new Trainer({ config: { ...config, evaluation: { every: 1e8, samples: 1, discriminativeScore: false } }, backend: 'wasm', plugins });
        const cpuBefore = process.cpuUsage();
        await trainer.run();
        const used = process.cpuUsage(cpuBefore);
        timings[variant].push((used.user + used.system) / 1000 / config.steps);
      }
    }
    const stepMs = median(timings.without);
    console.log(`training step (wasm, default model): ${stepMs.toFixed(2)} ms CPU without the sink, ${median(timings.with).toFixed(2)} ms with it (A/B, ${options.repetitions} pairs, medians)`);
    console.log(`sink cost per step from its CPU per point: ${((100 * cpuMicrosecondsPerPoint * pointsPerStep) / 1000 / stepMs).toFixed(3)} % of a step`);
    fs.rmSync(out, { recursive: true, force: true });
  } finally {
    await influxd.stop();
  }
}

void main();
