import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InfluxDB } from 'influx';
import { readEventLog } from '../core/events/event-log-reader';
import type { RunEvent } from '../core/events/run-event';
import type { TrainerPlugin } from '../core/trainer/plugin';
import { dashboards } from '../dashboards/src/generate-dashboards';
import { AdaptiveRatioPlugin } from '../plugins/adaptive-ratio';
import { CheckpointPlugin } from '../plugins/checkpoint';
import { CollapseDetectionPlugin } from '../plugins/collapse-detection';
import { GradientClippingPlugin } from '../plugins/gradient-clipping';
import { InfluxSinkPlugin } from '../plugins/influx-sink';
import { eventToPoints, metricSchema } from '../plugins/influx-sink/metric-schema';
import { influxQuery, requireInfluxdOrSkip, startPrivateInfluxd, type PrivateInfluxd } from './support/influxd';
import { poisonDiscriminatorAt } from './support/poison-discriminator';
import { createTestTrainer, runCli, smallConfig } from './support/run-helpers';

const binary = requireInfluxdOrSkip();
let influxd: PrivateInfluxd | undefined;

before(async () => {
  if (binary) influxd = await startPrivateInfluxd(binary);
});
after(async () => {
  await influxd?.stop();
});

const skip = binary ? false : 'influxd is not installed';

/** Points per measurement as InfluxDB would keep them: one per series and time. */
function expectedPointCounts(events: readonly RunEvent[], runId: string, dataset: string): Map<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const event of events) {
    for (const point of eventToPoints(event, { run: runId, dataset })) {
      const key = `${JSON.stringify(Object.entries(point.tags ?? {}).sort())}@${point.timestamp}`;
      keys.set(point.measurement!, (keys.get(point.measurement!) ?? new Set()).add(key));
    }
  }
  return new Map([...keys].map(([measurement, set]) => [measurement, set.size]));
}

async function storedPointCounts(database: string, runId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { measurement } of metricSchema) {
    if (measurement === 'sink') continue; // health points, timed by the sink, not the log
    const series = await influxQuery(influxd!.url, database, `SELECT * FROM "${measurement}" WHERE "run" = '${runId}'`);
    const rows = series.reduce((sum, entry) => sum + entry.values.length, 0);
    if (rows > 0) counts.set(measurement, rows);
  }
  return counts;
}

function substitute(query: string, runId: string, from: number, to: number): string {
  return query
    .replaceAll('$timeFilter', `time >= ${from}ms AND time <= ${to}ms`)
    .replaceAll('$__interval', '100ms')
    .replace(/\$(run|runs)\b/g, runId.replace(/[-]/g, '\\-'));
}

const poisonDiscriminatorOnce = poisonDiscriminatorAt(24);

test('a short real run with the sink: every panel query and annotation of every dashboard returns data', { skip }, async () => {
  const database = 'panels';
  const sink = new InfluxSinkPlugin({ url: influxd!.url, database, flushIntervalMs: 100 });
  const plugins = [
    sink,
    new GradientClippingPlugin(),
    new AdaptiveRatioPlugin({ policy: 'fixed', d: 2, g: 1 }),
    new CheckpointPlugin({ every: 10 }),
    poisonDiscriminatorOnce,
    new CollapseDetectionPlugin({ action: 'rollback' }),
  ];
  // grid25 has a mode at the origin, where an untrained generator puts its samples, so
  // even a 60-step run has high-quality samples and every quality metric is defined.
  const trainer = await createTestTrainer(smallConfig({ dataset: 'grid25', steps: 60, evaluation: { every: 10, samples: 200 } }), plugins);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  const final = events.filter((event) => event.type === 'sink.reported').at(-1);
  assert.ok(final && final.type === 'sink.reported' && final.status === 'final' && final.backlog === 0 && final.dropped === 0 && final.written > 0);
  // A sequence run fills the spatiotemporal row: each panel must show data for one of the two.
  const sequenceRun = await createTestTrainer({ dataset: 'sines', steps: 20, batchSize: 32, evaluation: { every: 10, samples: 100 }, plugins: [] }, [new InfluxSinkPlugin({ url: influxd!.url, database, flushIntervalMs: 100 })]);
  await sequenceRun.run();
  const sequenceEvents = readEventLog(sequenceRun.runDir, { strict: true }).events;
  const from = events[0].time - 1000;
  const to = sequenceEvents.at(-1)!.time + 1000;
  const hasData = async (query: string) => {
    for (const runId of [trainer.runId, sequenceRun.runId]) {
      const series = await influxQuery(influxd!.url, database, substitute(query, runId, from, to));
      if (series.some((entry) => entry.values.length > 0)) return true;
    }
    return false;
  };
  let queries = 0;
  for (const dashboard of Object.values(dashboards)) {
    for (const panel of dashboard.panels ?? []) {
      for (const target of ('targets' in panel ? panel.targets ?? [] : []) as { query: string }[]) {
        assert.ok(await hasData(target.query), `${dashboard.title} / ${'title' in panel ? panel.title : ''}: no data for ${target.query}`);
        queries++;
      }
    }
    for (const annotation of dashboard.annotations?.list ?? []) {
      const query = (annotation.target as unknown as { query: string }).query;
      const series = await influxQuery(influxd!.url, database, substitute(query, trainer.runId, from, to));
      assert.ok(series.some((entry) => entry.values.length > 0), `${dashboard.title} annotation ${annotation.name}: no data`);
    }
  }
  assert.ok(queries >= 18);
  // Integers stay integers: InfluxDB reports the declared field types.
  const fieldTypes = await influxQuery(influxd!.url, database, 'SHOW FIELD KEYS FROM "evaluation"');
  assert.deepEqual(Object.fromEntries(fieldTypes[0].values as [string, string][]).modesCovered, 'integer');
});

test('an outage: influxd stops mid-run and comes back; the run completes, the sink recovers, and backfill restores every point (twice, the same)', { skip }, async () => {
  const database = 'outage';
  const outage: TrainerPlugin = {
    name: 'outage',
    apply(trainer) {
      trainer.hooks.afterStep.tapPromise('outage', async ({ step }) => {
        if (step === 15) await influxd!.stop();
        if (step === 45) await influxd!.start();
      });
    },
  };
  const sink = new InfluxSinkPlugin({ url: influxd!.url, database, flushIntervalMs: 50, maxRetryDelayMs: 200 });
  const trainer = await createTestTrainer(smallConfig({ steps: 80 }), [sink, new GradientClippingPlugin(), outage]);
  await trainer.run();
  const events = readEventLog(trainer.runDir, { strict: true }).events;
  assert.equal(events.at(-1)!.type, 'run.finished');
  const reports = events.filter((event) => event.type === 'sink.reported').map((event) => event.type === 'sink.reported' && event.status);
  assert.ok(reports.includes('failing') && reports.includes('recovered'), `sink reports: ${reports.join(', ')}`);
  const expected = expectedPointCounts(events, trainer.runId, 'ring8');
  assert.deepEqual(await storedPointCounts(database, trainer.runId), expected, 'the sink wrote everything once InfluxDB was back');

  await new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influxd!.url).port) }).dropDatabase(database);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = runCli(['backfill', trainer.runDir, '--influx', `${influxd!.url}/${database}`]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /backfilled \d+ points/);
    assert.deepEqual(await storedPointCounts(database, trainer.runId), expected, `after backfill #${attempt + 1}`);
  }
});

test('hostile values: tags with spaces, commas, quotes, equals and newlines are escaped; NaN and infinite fields are left out; the batch survives', { skip }, async () => {
  const database = 'hostile';
  const client = new InfluxDB({ host: '127.0.0.1', port: Number(new URL(influxd!.url).port), database, schema: metricSchema });
  await client.createDatabase(database);
  const hostileRun = 'run, with "quotes"=and\nnew lines \\ too';
  const base = { v: 2 as const, runId: hostileRun, seq: 0, time: Date.now(), learningRate: 0.001 };
  const events = [
    { ...base, seq: 0, step: 1, type: 'generator.stepped', update: 0, loss: 0.5, gradNorm: 1 },
    { ...base, seq: 1, step: 2, time: base.time + 1, type: 'generator.stepped', update: 0, loss: NaN, gradNorm: Infinity },
    { ...base, seq: 2, step: 3, time: base.time + 2, type: 'plugin.failed', plugin: 'p', source: 'afterStep', error: { message: 'line one\nline "two", with = signs' } },
    { ...base, seq: 3, step: 4, time: base.time + 3, type: 'generator.stepped', update: 0, loss: 0.25, gradNorm: -Infinity },
  ] as unknown as RunEvent[];
  // A plugin's metric names with a newline and a trailing backslash, a tag value ending in one.
  events.push({ ...base, seq: 4, step: 4, time: base.time + 4, type: 'eval.completed', samples: 10, metrics: { 'mine\nnext': 1, 'trailing\\': 2 } } as unknown as RunEvent);
  const trailing = { run: 'ends in a backslash \\', dataset: 'ring8' };
  const points = [
    ...events.flatMap((event) => eventToPoints(event, { run: hostileRun, dataset: 'ring 8,\n"x"' })),
    ...eventToPoints(events[0], trailing),
  ];
  await client.writePoints(points, { precision: 'ms', database });
  const stored = await influxQuery(influxd!.url, database, 'SELECT "loss", "gradNorm", "learningRate" FROM "updates" WHERE "dataset" != \'ring8\'');
  assert.equal(stored[0].values.length, 3, 'all three update points arrived, the NaN one with its finite fields only');
  const tagValues = await influxQuery(influxd!.url, database, 'SHOW TAG VALUES FROM "updates" WITH KEY = "run" WHERE "dataset" != \'ring8\'');
  assert.deepEqual(tagValues[0].values.map(([, value]) => value), ['run, with "quotes"=and\\nnew lines \\ too']);
  const text = await influxQuery(influxd!.url, database, 'SELECT "text" FROM "decisions"');
  assert.equal(text[0].values[0][1], 'p failed in afterStep: line one\\nline "two", with = signs');
  const trailingRuns = await influxQuery(influxd!.url, database, 'SHOW TAG VALUES FROM "updates" WITH KEY = "run" WHERE "dataset" = \'ring8\'');
  assert.deepEqual(trailingRuns[0].values.map(([, value]) => value), ['ends in a backslash \u29f5']);
  const extra = await influxQuery(influxd!.url, database, 'SHOW FIELD KEYS FROM "evaluation_extra"');
  assert.deepEqual(extra[0].values.map(([key]) => key).sort(), ['mine\\nnext', 'trailing\u29f5']);
});

test('credentials given in the URL never reach the event log or the console', { skip }, () => {
  const out = fs.mkdtempSync(path.join(path.dirname(influxd!.dir), 'ganpipe-credentials-'));
  const url = new URL(influxd!.url);
  const result = runCli(['train', '--steps', '5', '--out', out, '--influx', `http://ganpipe:s3cret-pass@${url.host}/creds`]);
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /s3cret-pass/);
  assert.match(result.stderr, /metrics to InfluxDB at http:\/\/127\.0\.0\.1:\d+\/creds database creds/);
  const [runDir] = fs.readdirSync(out);
  const log = fs.readFileSync(path.join(out, runDir, 'events.ndjson'), 'utf8');
  assert.doesNotMatch(log, /s3cret-pass/);
  assert.match(log, /"url":"http:\/\/\[redacted\]@127\.0\.0\.1/);
});
