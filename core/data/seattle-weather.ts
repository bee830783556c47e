import fs from 'node:fs';
import path from 'node:path';
import { loadCsvWindows, type CsvWindowsDataset } from './csv-windows';

/**
 * Seattle's hourly weather normals for one year (vega-datasets,
 * seattle-weather-hourly-normals.csv: 8,759 hourly rows of pressure, temperature and
 * wind), cut into one-day windows: 24 rows, stride 1, so 8,736 windows.
 */
export function seattleWeather(): CsvWindowsDataset {
  return loadCsvWindows({
    path: seattleWeatherCsvPath(),
    timeColumn: 'date',
    featureColumns: ['pressure', 'temperature', 'wind'],
    window: 24,
    stride: 1,
    name: 'seattle-weather',
  });
}

/**
 * Where the installed vega-datasets keeps the file. Its package.json "exports" exposes
 * only the package's entry point, so neither `vega-datasets/package.json` nor
 * `vega-datasets/data/…` can be resolved; resolve the entry point (wherever npm put the
 * package, hoisted or nested) and walk up to the directory whose package.json names it.
 */
export function seattleWeatherCsvPath(): string {
  const entryPoint = require.resolve('vega-datasets');
  for (let directory = path.dirname(entryPoint); ; directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'vega-datasets') {
      return path.join(directory, 'data', 'seattle-weather-hourly-normals.csv');
    }
    if (path.dirname(directory) === directory) throw new Error(`cannot find vega-datasets' package.json above ${entryPoint}`);
  }
}
