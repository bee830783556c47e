import { trainConfigSchema, type TrainConfig, type TrainConfigInput } from '../../core/config/train-config';

export function parseTrainConfig(input: TrainConfigInput): TrainConfig {
  return trainConfigSchema.parse(input);
}
