import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FieldType } from 'influx';
import { selectBackend } from '../core/backend/select-backend';
import { createDataset } from '../core/data/datasets';
import { SampleEvaluator } from '../core/metrics/sample-evaluator';
import { SeededRandom } from '../core/util/seeded-random';
import { metricSchema, MEASUREMENTS } from '../plugins/influx-sink/metric-schema';

const metricsDoc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'metrics.md'), 'utf8');

/** The rows of the markdown table whose header starts with `firstColumn`, as cells. */
function tableRows(firstColumn: string): string[][] {
  const lines = metricsDoc.split('\n');
  const header = lines.findIndex((line) => line.startsWith(`| ${firstColumn} |`));
  assert.ok(header >= 0, `docs/metrics.md has a table headed "${firstColumn}"`);
  const rows: string[][] = [];
  for (let index = header + 2; index < lines.length && lines[index].startsWith('|'); index++) rows.push(lines[index].split('|').slice(1, -1).map((cell) => cell.trim()));
  return rows;
}

const typeNames: Record<number, string> = { [FieldType.INTEGER]: 'integer', [FieldType.FLOAT]: 'float', [FieldType.STRING]: 'string', [FieldType.BOOLEAN]: 'boolean' };

test("docs/metrics.md's InfluxDB table lists every field of every measurement with its type, as the schema declares", () => {
  const rows = new Map(tableRows('measurement').map(([measurement, , fields]) => [measurement.replace(/`/g, ''), fields]));
  for (const schema of metricSchema) {
    const documented = rows.get(schema.measurement);
    assert.ok(documented !== undefined, `measurement ${schema.measurement} is not in the table`);
    // "a, b (integer); c, d (float)" → { a: integer, b: integer, c: float, d: float }
    const documentedTypes = new Map<string, string>();
    for (const [, names, type] of documented.matchAll(/([^;()]+)\((integer|float|string|boolean)[^)]*\)/g)) {
      for (const field of names.split(',').map((name) => name.trim()).filter(Boolean)) documentedTypes.set(field, type);
    }
    const declared = new Map(Object.entries(schema.fields).map(([field, type]) => [field, typeNames[type]]));
    assert.deepEqual(Object.fromEntries(documentedTypes), Object.fromEntries(declared), `measurement ${schema.measurement}`);
  }
});

test('every metric an evaluation writes, on points, sequences and fields, is in the InfluxDB schema and in the names table of docs/metrics.md', async () => {
  await selectBackend('wasm');
  const evaluationFields = new Set(Object.keys(metricSchema.find((schema) => schema.measurement === MEASUREMENTS.evaluation)!.fields));
  const documentedNames = new Set(tableRows('name').map(([name]) => name.replace(/`/g, '')));
  for (const dataset of ['ring8', 'sines', 'blobs'] as const) {
    const data = createDataset({ dataset, seed: 1 });
    const evaluator = new SampleEvaluator(data, { samples: 40, discriminativeScore: true, seed: 1 });
    const metrics = await evaluator.evaluate(data.sample(40, new SeededRandom(2)), 40, 10);
    for (const name of Object.keys(metrics)) {
      const perFeature = /^acfDistance\.(.+)$/.exec(name);
      if (perFeature) {
        assert.ok(data.featureNames?.includes(perFeature[1]), `${dataset}: ${name} names a feature`);
        assert.ok(documentedNames.has('acfDistance.<feature>'));
        continue;
      }
      assert.ok(evaluationFields.has(name), `${dataset}: ${name} is written but not in the evaluation measurement`);
      const isModeMetric = ['modesCovered', 'highQualityFraction', 'reverseKL'].includes(name);
      assert.ok(isModeMetric ? metricsDoc.includes(`\`${name}\``) : documentedNames.has(name), `${dataset}: ${name} is not documented in docs/metrics.md`);
    }
  }
});
