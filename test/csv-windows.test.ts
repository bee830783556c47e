import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCsvWindows, type CsvWindowsOptions } from '../core/data/csv-windows';
import { isGanpipeError } from '../core/errors';
import { ganpipeRoot } from '../core/util/package-versions';
import { SeededRandom } from '../core/util/seeded-random';

const fixtures = path.join(ganpipeRoot(), 'test/fixtures/csv');
const fixture = (name: string): string => path.join(fixtures, name);

const weatherOptions = (file: string): CsvWindowsOptions => ({
  path: fixture(file),
  timeColumn: 'date',
  featureColumns: ['pressure', 'temperature'],
  window: 2,
  stride: 1,
});

// good.csv: 10 hourly rows; index = 0…9, temperature from −5 to 15, flat = 3 throughout,
// and an unused text column with empty cells.
const goodOptions: CsvWindowsOptions = {
  path: fixture('good.csv'),
  timeColumn: 'time',
  featureColumns: ['index', 'temperature', 'flat'],
  window: 3,
  stride: 2,
};
const goodTemperatures = [-5, 0, 5, 2.5, 10, 15, -5, 3, 7, 1];

function assertRejects(load: () => unknown, code: string, message: string): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(isGanpipeError(error), `expected a GanpipeError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.message, message);
    return true;
  });
}

test('a missing column is named, with the columns the file has', () => {
  assertRejects(
    () => loadCsvWindows({ ...weatherOptions('non-numeric.csv'), featureColumns: ['pressure', 'wind'] }),
    'GANPIPE_DATA_INVALID',
    `${fixture('non-numeric.csv')}: no column "wind" (columns: date, pressure, temperature)`,
  );
  assertRejects(
    () => loadCsvWindows({ ...weatherOptions('non-numeric.csv'), timeColumn: 'when' }),
    'GANPIPE_DATA_INVALID',
    `${fixture('non-numeric.csv')}: no column "when" (columns: date, pressure, temperature)`,
  );
});

test('a non-numeric cell names the file line (blank lines count) and the column', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('non-numeric.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('non-numeric.csv')}:4: column "temperature": "abc" is not a number`,
  );
});

test('an empty cell is an error, not a zero', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('empty-cell.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('empty-cell.csv')}:3: column "temperature": empty cell (expected a number)`,
  );
});

test('an impossible date is not a time', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('bad-time.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('bad-time.csv')}:4: column "date": "2010-13-45" is not a time (a number or an ISO 8601 date)`,
  );
});

test('time going backwards or repeating names both lines', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('backwards-time.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('backwards-time.csv')}:4: column "date": time goes backwards ("2010-01-01T02:00:00" comes after "2010-01-01T03:00:00" on line 3)`,
  );
  assertRejects(
    () => loadCsvWindows(weatherOptions('repeated-time.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('repeated-time.csv')}:4: column "date": time repeats ("2010-01-01T02:00:00" is also on line 3; each row must be a later time)`,
  );
});

test('a row with the wrong number of fields is named', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('ragged.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('ragged.csv')}:3: 2 fields, but the header has 3 (date, pressure, temperature)`,
  );
});

test('an empty file, a header without rows and a missing file', () => {
  assertRejects(
    () => loadCsvWindows(weatherOptions('empty.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('empty.csv')}: empty file (expected a header line naming the columns, then one row per time)`,
  );
  assertRejects(
    () => loadCsvWindows(weatherOptions('header-only.csv')),
    'GANPIPE_DATA_INVALID',
    `${fixture('header-only.csv')}: a header but no rows; window 2 with stride 1 needs at least 3 (two windows: one to train on, one held out)`,
  );
  assertRejects(
    () => loadCsvWindows(weatherOptions('no-such-file.csv')),
    'GANPIPE_CONFIG_NOT_FOUND',
    `${fixture('no-such-file.csv')}: no such file`,
  );
});

test('too few rows for two windows says how many are needed; exactly enough loads', () => {
  assertRejects(
    () => loadCsvWindows({ ...goodOptions, window: 9, stride: 2 }),
    'GANPIPE_DATA_INVALID',
    `${goodOptions.path}: 10 rows, but window 9 with stride 2 needs at least 11 (two windows: one to train on, one held out)`,
  );
  const justEnough = loadCsvWindows({ ...goodOptions, window: 8, stride: 2 });
  assert.deepEqual([justEnough.trainingWindowCount, justEnough.heldOutWindowCount], [1, 1]);
});

test('out-of-range options are config errors naming the option', () => {
  const cases: [Partial<CsvWindowsOptions>, string][] = [
    [{ window: 1 }, 'option "window" must be an integer ≥ 2 (got 1)'],
    [{ stride: 0 }, 'option "stride" must be an integer ≥ 1 (got 0)'],
    [{ featureColumns: [] }, 'option "featureColumns" must be a non-empty list of column names (got [])'],
    [
      { featureColumns: ['index', 'index'] },
      'option "featureColumns" must be a list of distinct column names ("index" repeats) (got ["index","index"])',
    ],
    [{ heldOutFraction: 1 }, 'option "heldOutFraction" must be a number in [0, 1) (got 1)'],
  ];
  for (const [override, message] of cases) {
    assertRejects(() => loadCsvWindows({ ...goodOptions, ...override }), 'GANPIPE_CONFIG_INVALID', `${goodOptions.path}: ${message}`);
  }
});

test('good file: shape, names, exact min–max normalisation, constant column at 0.5', () => {
  const dataset = loadCsvWindows(goodOptions);
  assert.equal(dataset.name, 'good.csv');
  assert.equal(dataset.kind, 'sequence');
  assert.deepEqual(dataset.sampleShape, [3, 3]);
  assert.deepEqual(dataset.featureNames, ['index', 'temperature', 'flat']);
  assert.deepEqual(dataset.normalisation, [
    { feature: 'index', min: 0, max: 9 },
    { feature: 'temperature', min: -5, max: 15 },
    { feature: 'flat', min: 3, max: 3 },
  ]);
  const batch = dataset.sample(16, new SeededRandom(1));
  assert.equal(batch.length, 16 * 3 * 3);
  for (let value = 2; value < batch.length; value += 3) assert.equal(batch[value], 0.5);
});

test('windows are consecutive rows, start on the stride, and split into training and held out', () => {
  const dataset = loadCsvWindows(goodOptions);
  // Starts 0, 2, 4, 6 (8 + 3 > 10): 4 windows, ⌈0.2·4⌉ = 1 held out.
  assert.deepEqual([dataset.trainingWindowCount, dataset.heldOutWindowCount], [3, 1]);

  const startsIn = (batch: Float32Array): Set<number> => {
    const starts = new Set<number>();
    for (let sample = 0; sample < batch.length / 9; sample++) {
      const start = Math.round(batch[sample * 9] * 9);
      for (let step = 0; step < 3; step++) {
        const row = start + step;
        const [index, temperature] = [batch[sample * 9 + step * 3], batch[sample * 9 + step * 3 + 1]];
        assert.ok(Math.abs(index - row / 9) < 1e-6, `sample ${sample} step ${step}: row ${index * 9}, expected ${row}`);
        assert.ok(Math.abs(temperature - (goodTemperatures[row] + 5) / 20) < 1e-6);
      }
      starts.add(start);
    }
    return starts;
  };
  const trainingStarts = startsIn(dataset.sample(200, new SeededRandom(2)));
  const heldOutStarts = startsIn(dataset.evaluationSample(50, new SeededRandom(3)));
  assert.equal(trainingStarts.size, 3);
  assert.equal(heldOutStarts.size, 1);
  assert.deepEqual([...trainingStarts, ...heldOutStarts].sort(), [0, 2, 4, 6]);
});

test('held-out share: at least one window each side; the same splitSeed gives the same split', () => {
  const windowsEvery = { ...goodOptions, window: 3, stride: 1 }; // 8 windows
  const counts = (heldOutFraction: number) => {
    const dataset = loadCsvWindows({ ...windowsEvery, heldOutFraction });
    return [dataset.trainingWindowCount, dataset.heldOutWindowCount];
  };
  assert.deepEqual(counts(0.5), [4, 4]);
  assert.deepEqual(counts(0.3), [5, 3]);
  assert.deepEqual(counts(0), [7, 1]);
  assert.deepEqual(counts(0.99), [1, 7]);

  const heldOut = (splitSeed: number) =>
    loadCsvWindows({ ...windowsEvery, heldOutFraction: 0.5, splitSeed }).evaluationSample(64, new SeededRandom(9));
  assert.deepEqual(heldOut(4), heldOut(4));
  assert.notDeepEqual(heldOut(4), heldOut(5));
});

test('a quoted cell spanning lines: the message names the line it starts on and stays one line', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-csv-'));
  try {
    const file = path.join(directory, 'multiline.csv');
    fs.writeFileSync(file, 'seconds,level\n0,1\n1,"2\n3"\n2,4\n');
    assertRejects(
      () => loadCsvWindows({ path: file, timeColumn: 'seconds', featureColumns: ['level'], window: 2, stride: 1 }),
      'GANPIPE_DATA_INVALID',
      `${file}:3: column "level": "2\\n3" is not a number`,
    );
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
});

test('numeric times, CRLF line ends, a BOM and padded cells are read', () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-csv-'));
  try {
    const file = path.join(directory, 'seconds.csv');
    fs.writeFileSync(file, '\ufeffseconds, level\r\n0, 1\r\n0.5, 2\r\n1, 3\r\n1e1, 5\r\n');
    const dataset = loadCsvWindows({ path: file, timeColumn: 'seconds', featureColumns: ['level'], window: 2, stride: 1, name: 'levels' });
    assert.equal(dataset.name, 'levels');
    assert.deepEqual(dataset.normalisation, [{ feature: 'level', min: 1, max: 5 }]);
    assert.equal(dataset.trainingWindowCount + dataset.heldOutWindowCount, 3);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
