import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients (see core/model/gan-model.ts)
import { selectBackend } from '../core/backend/select-backend';
import { dense, denseReference } from '../core/model/dense';

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.norm(tf.sub(actual, expected)).dataSync()[0] / Math.max(tf.norm(expected).dataSync()[0], 1e-30));
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`dense layer gradients equal tfjs's own on random inputs (${backend}), relative error < 1e-5`, async () => {
    await selectBackend(backend);
    for (const [batch, inputs, outputs] of [[256, 2, 128], [64, 128, 128], [7, 33, 1]]) {
      tf.tidy(() => {
        const x = tf.randomNormal([batch, inputs], 0, 1, 'float32', 1);
        const kernel = tf.randomNormal([inputs, outputs], 0, 1, 'float32', 2);
        const bias = tf.randomNormal([outputs], 0, 1, 'float32', 3);
        const upstream = tf.randomNormal([batch, outputs], 0, 1, 'float32', 4);
        // A loss whose gradient with respect to the layer's output is `upstream`.
        const lossOf = (layer: typeof dense) => (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(layer(a as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), upstream));
        const ours = tf.grads(lossOf(dense))([x, kernel, bias]);
        const reference = tf.grads(lossOf(denseReference))([x, kernel, bias]);
        ['input', 'kernel', 'bias'].forEach((name, index) => {
          const error = relativeError(ours[index], reference[index]);
          assert.ok(error < 1e-5, `${backend} [${batch}×${inputs}→${outputs}] d/d${name}: relative error ${error}`);
        });
        const forward = relativeError(dense(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D), denseReference(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D));
        assert.ok(forward < 1e-6);
      });
    }
    await selectBackend('wasm');
  });
}
