import fs from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { GanpipeError } from '../errors';
import type { SeededRandom } from '../util/seeded-random';
import type { Dataset } from './dataset';
import { decimalNumber, parseSeriesTime } from './series-time';
import { minimumRowsForTwoWindows, sampleWindows, splitWindows, windowStarts } from './series-windows';

export interface CsvWindowsOptions {
  /** The CSV file: a header line naming the columns, then one row per time. */
  path: string;
  /** Column that orders the rows: a number or an ISO 8601 date; it must increase strictly. */
  timeColumn: string;
  /** Columns that become the features of each sample, in this order. */
  featureColumns: string[];
  /** Rows per sample (its length). */
  window: number;
  /** Rows between the starts of consecutive windows. */
  stride: number;
  /** Share of the windows held out of training for evaluation; default 0.2. */
  heldOutFraction?: number;
  /** Dataset name in events and metrics; default the file's base name. */
  name?: string;
  /** Seed of the shuffle that splits windows into training and held out; default 0. */
  splitSeed?: number;
}

/** A feature's range in the file: a sample value v maps back to min + v·(max − min). */
export interface FeatureNormalisation {
  feature: string;
  min: number;
  max: number;
}

export interface CsvWindowsDataset extends Dataset {
  readonly normalisation: readonly FeatureNormalisation[];
  readonly trainingWindowCount: number;
  readonly heldOutWindowCount: number;
}

/**
 * A multivariate time series from a CSV file, cut into windows as TimeGAN does
 * (Yoon et al. 2019): each feature min–max scaled to [0, 1] over all rows, then every
 * `stride`-th run of `window` consecutive rows is one sample, [window, features].
 * A seeded shuffle holds some windows out: `sample` draws from the rest, and
 * `evaluationSample` from the held-out ones. Windows overlap, so held-out windows share
 * rows with training ones; evaluation compares distributions, not generalisation.
 *
 * Every problem with the file is a GanpipeError GANPIPE_DATA_INVALID whose one-line
 * message names the file as given, the line and the column; a missing file is
 * GANPIPE_CONFIG_NOT_FOUND. Out-of-range options are GANPIPE_CONFIG_INVALID.
 */
export function loadCsvWindows(options: CsvWindowsOptions): CsvWindowsDataset {
  const heldOutFraction = options.heldOutFraction ?? 0.2;
  const splitSeed = options.splitSeed ?? 0;
  checkOptions(options, heldOutFraction, splitSeed);
  const { window, stride, featureColumns } = options;
  const file = options.path;

  const records = readRecords(file);
  if (records.length === 0) invalid(`${file}: empty file (expected a header line naming the columns, then one row per time)`);
  const [header, ...rows] = records;
  const columnIndex = findColumns(file, header, [options.timeColumn, ...featureColumns]);
  const minimumRows = minimumRowsForTwoWindows(window, stride);
  const needs = `window ${window} with stride ${stride} needs at least ${minimumRows} (two windows: one to train on, one held out)`;
  if (rows.length === 0) invalid(`${file}: a header but no rows; ${needs}`);

  const featureCount = featureColumns.length;
  const rawValues = new Float64Array(rows.length * featureCount);
  let previousTime: { value: number; text: string; line: number } | undefined;
  rows.forEach(({ fields, line }, row) => {
    if (fields.length !== header.fields.length) {
      invalid(`${file}:${line}: ${fields.length} fields, but the header has ${header.fields.length} (${header.fields.join(', ')})`);
    }
    const timeText = fields[columnIndex.get(options.timeColumn)!];
    const where = `${file}:${line}: column "${options.timeColumn}"`;
    if (timeText === '') invalid(`${where}: empty cell (expected a time: a number or an ISO 8601 date)`);
    const time = parseSeriesTime(timeText);
    if (time === undefined) invalid(`${where}: ${quote(timeText)} is not a time (a number or an ISO 8601 date)`);
    if (previousTime !== undefined && time === previousTime.value) {
      invalid(`${where}: time repeats (${quote(timeText)} is also on line ${previousTime.line}; each row must be a later time)`);
    }
    if (previousTime !== undefined && time < previousTime.value) {
      invalid(`${where}: time goes backwards (${quote(timeText)} comes after ${quote(previousTime.text)} on line ${previousTime.line})`);
    }
    previousTime = { value: time, text: timeText, line };

    featureColumns.forEach((feature, featureIndex) => {
      const cell = fields[columnIndex.get(feature)!];
      const where = `${file}:${line}: column "${feature}"`;
      if (cell === '') invalid(`${where}: empty cell (expected a number)`);
      if (!decimalNumber.test(cell) || !Number.isFinite(Number(cell))) invalid(`${where}: ${quote(cell)} is not a number`);
      rawValues[row * featureCount + featureIndex] = Number(cell);
    });
  });
  if (rows.length < minimumRows) invalid(`${file}: ${rows.length} rows, but ${needs}`);

  const { series, normalisation } = normalise(rawValues, featureColumns);
  const { trainingStarts, heldOutStarts } = splitWindows(windowStarts(rows.length, window, stride), heldOutFraction, splitSeed);

  return {
    name: options.name ?? path.basename(file),
    kind: 'sequence',
    valueRange: [0, 1],
    sampleShape: [window, featureCount],
    featureNames: [...featureColumns],
    normalisation,
    trainingWindowCount: trainingStarts.length,
    heldOutWindowCount: heldOutStarts.length,
    sample(batchSize: number, random: SeededRandom): Float32Array {
      return sampleWindows(series, featureCount, window, trainingStarts, batchSize, random);
    },
    evaluationSample(count: number, random: SeededRandom): Float32Array {
      return sampleWindows(series, featureCount, window, heldOutStarts, count, random);
    },
  };
}

interface CsvRecord {
  fields: string[];
  /** 1-based line of the file where the record starts. */
  line: number;
}

function readRecords(file: string): CsvRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new GanpipeError('GANPIPE_CONFIG_NOT_FOUND', `${file}: no such file`);
    if (code === 'EISDIR') throw new GanpipeError('GANPIPE_CONFIG_NOT_FOUND', `${file}: is a directory, not a CSV file`);
    throw new GanpipeError('GANPIPE_CONFIG_NOT_FOUND', `${file}: cannot be read (${code ?? String(error)})`);
  }
  try {
    // relax_column_count: a ragged row is reported below, with the header's columns.
    // With `info`, each record comes with the line it ends on; the parse() overloads do not type that.
    const parsed = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return parsed.map(({ record, info }) => ({
      fields: record,
      // A quoted field may span lines; count back to where the record starts.
      line: info.lines - record.reduce((breaks, field) => breaks + (field.match(/\n/g)?.length ?? 0), 0),
    }));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      invalid(`${file}${line === undefined ? '' : `:${line}`}: ${error.message}`);
    }
    throw error;
  }
}

function findColumns(file: string, header: CsvRecord, wanted: readonly string[]): Map<string, number> {
  const missing = [...new Set(wanted)].filter((column) => !header.fields.includes(column));
  if (missing.length > 0) {
    const names = missing.map((column) => `"${column}"`).join(', ');
    invalid(`${file}: no column${missing.length > 1 ? 's' : ''} ${names} (columns: ${header.fields.join(', ')})`);
  }
  const indices = new Map<string, number>();
  for (const column of wanted) {
    const index = header.fields.indexOf(column);
    if (header.fields.indexOf(column, index + 1) !== -1) {
      invalid(`${file}:${header.line}: column "${column}" appears twice in the header`);
    }
    indices.set(column, index);
  }
  return indices;
}

/**
 * Min–max scales each feature to [0, 1] over all rows, as TimeGAN does. A constant
 * column has no range to scale by; it maps to 0.5, the middle of the range.
 */
function normalise(
  rawValues: Float64Array,
  featureColumns: readonly string[],
): { series: Float32Array; normalisation: FeatureNormalisation[] } {
  const featureCount = featureColumns.length;
  const rowCount = rawValues.length / featureCount;
  const series = new Float32Array(rawValues.length);
  const normalisation = featureColumns.map((feature, featureIndex) => {
    let min = Infinity;
    let max = -Infinity;
    for (let row = 0; row < rowCount; row++) {
      const value = rawValues[row * featureCount + featureIndex];
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    for (let row = 0; row < rowCount; row++) {
      const index = row * featureCount + featureIndex;
      series[index] = max === min ? 0.5 : (rawValues[index] - min) / (max - min);
    }
    return { feature, min, max };
  });
  return { series, normalisation };
}

function checkOptions(options: CsvWindowsOptions, heldOutFraction: number, splitSeed: number): void {
  const fail = (option: string, expected: string, actual: unknown): never => {
    const message = `${options.path}: option "${option}" must be ${expected} (got ${JSON.stringify(actual)})`;
    throw new GanpipeError('GANPIPE_CONFIG_INVALID', message);
  };
  if (typeof options.path !== 'string' || options.path === '') fail('path', 'the path of a CSV file', options.path);
  if (typeof options.timeColumn !== 'string' || options.timeColumn === '') fail('timeColumn', 'a column name', options.timeColumn);
  if (!Array.isArray(options.featureColumns) || options.featureColumns.length === 0) {
    fail('featureColumns', 'a non-empty list of column names', options.featureColumns);
  }
  const repeated = options.featureColumns.find((column, index) => options.featureColumns.indexOf(column) !== index);
  if (repeated !== undefined) fail('featureColumns', `a list of distinct column names ("${repeated}" repeats)`, options.featureColumns);
  if (!Number.isInteger(options.window) || options.window < 2) fail('window', 'an integer ≥ 2', options.window);
  if (!Number.isInteger(options.stride) || options.stride < 1) fail('stride', 'an integer ≥ 1', options.stride);
  if (!(heldOutFraction >= 0 && heldOutFraction < 1)) fail('heldOutFraction', 'a number in [0, 1)', heldOutFraction);
  if (!Number.isInteger(splitSeed)) fail('splitSeed', 'an integer', splitSeed);
}

/** A cell in a message: double-quoted, a line break inside a quoted field escaped so the message stays one line. */
function quote(cell: string): string {
  return JSON.stringify(cell);
}

function invalid(message: string): never {
  throw new GanpipeError('GANPIPE_DATA_INVALID', message);
}
