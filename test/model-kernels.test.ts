import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../core/backend/select-backend';
import { trainConfigSchema } from '../core/config/train-config';
import { createDataset } from '../core/data/datasets';
import { modelKernels } from '../core/model/build-networks';
import { GanModel } from '../core/model/gan-model';
import { SeededRandom } from '../core/util/seeded-random';

// Every model on a dataset it fits, with the options that change what it runs (R1, the cosine basis).
const cases = [
  { dataset: 'ring8', model: 'mlp' },
  { dataset: 'sines', model: 'mlp' },
  { dataset: 'sines', model: 'temporal-conv' },
  { dataset: 'blobs', model: 'advection', conv3d: { discriminator: 'conv3d' } },
  { dataset: 'blobs', model: 'advection', conv3d: { discriminator: 'frames-as-channels' } },
  { dataset: 'blobs', model: 'conv3d' },
] as const satisfies { dataset: string; model: string; conv3d?: object }[];

for (const testCase of cases) {
  const { dataset, model } = testCase;
  const conv3d = 'conv3d' in testCase ? testCase.conv3d : {};
  test(`the kernel check's list for ${model} holds every kernel a real ${dataset} training step runs ${JSON.stringify(conv3d)}`, async () => {
    await selectBackend('wasm');
    const config = trainConfigSchema.parse({ dataset, model, conv3d, batchSize: 8, plugins: [] });
    const data = createDataset(config);
    const random = new SeededRandom(1);
    const gan = new GanModel(config, data, random);
    const profile = await tf.profile(() => {
      tf.dispose([gan.discriminatorUpdate(data.sample(8, random), 1, (gradients) => gradients), gan.generatorUpdate(8, 2, (gradients) => gradients)]);
    });
    gan.dispose();
    // tf.profile also lists the scopes of custom gradients ("forward"): only kernels count.
    const ran = new Set(profile.kernelNames.filter((name) => tf.getKernel(name, 'wasm') || tf.getKernel(name, 'cpu')));
    const declared = new Set(modelKernels[gan.modelName]);
    assert.deepEqual([...ran].filter((kernel) => !declared.has(kernel)), [], `${model} runs kernels its list lacks`);
  });
}
