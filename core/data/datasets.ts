import * as path from 'node:path';
import type { TrainConfig } from '../config/train-config';
import { blobs } from './blobs';
import { loadCsvWindows } from './csv-windows';
import type { Dataset } from './dataset';
import { grid25, ring8 } from './gaussian-mixture';
import { seattleWeather } from './seattle-weather';
import { sines } from './sines';
import { timeganSines } from './timegan-sines';

/** Every name `dataset` accepts: the built-ins and `csv`, the user's own file (docs/datasets.md). */
export const datasetNames = ['ring8', 'grid25', 'sines', 'timegan-sines', 'blobs', 'seattle-weather', 'csv'] as const;
export type DatasetName = (typeof datasetNames)[number];

/** Built-in datasets, chosen by name in the config. */
export const builtInDatasets = {
  ring8,
  grid25,
  sines: () => sines(),
  'timegan-sines': timeganSines,
  blobs: () => blobs(),
  'seattle-weather': seattleWeather,
} as const satisfies Record<Exclude<DatasetName, 'csv'>, () => Dataset>;

export function createDataset(config: Pick<TrainConfig, 'dataset' | 'csv' | 'seed'>): Dataset {
  if (config.dataset !== 'csv') return builtInDatasets[config.dataset]();
  const csv = config.csv!;
  return loadCsvWindows({ ...csv, path: path.resolve(csv.path), name: 'csv' });
}
