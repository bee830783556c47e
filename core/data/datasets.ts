import type { Dataset } from './dataset';
import { grid25, ring8 } from './gaussian-mixture';

/** Built-in datasets, chosen by name in the config. */
export const builtInDatasets = {
  ring8,
  grid25,
} as const satisfies Record<string, () => Dataset>;

export type DatasetName = keyof typeof builtInDatasets;
export const datasetNames = Object.keys(builtInDatasets) as [DatasetName, ...DatasetName[]];

export function createDataset(name: DatasetName): Dataset {
  return builtInDatasets[name]();
}
