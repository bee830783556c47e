import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../core/events/event-log-reader';
import { ganpipeRoot } from '../core/util/package-versions';
import { runCli, temporaryDirectory } from './support/run-helpers';

const examplePlugin = path.join(ganpipeRoot(), 'examples/plugins/loss-spike-alert.js');

test('the example plugin loads by module path (relative to the config file) and acts through the stream and a hook', () => {
  const dir = temporaryDirectory();
  const config = path.join(dir, 'run.json');
  // A factor just above 1 makes every loss above its recent mean a "spike".
  fs.writeFileSync(config, JSON.stringify({
    steps: 200,
    batchSize: 32,
    generator: { hiddenLayers: [16] },
    discriminator: { hiddenLayers: [16] },
    plugins: [{ name: path.relative(dir, examplePlugin).startsWith('.') ? path.relative(dir, examplePlugin) : `./${path.relative(dir, examplePlugin)}`, options: { factor: 1.0001, window: 5, stopAfter: 3 } }],
  }));
  const out = path.join(dir, 'runs');
  const result = runCli(['train', '--config', config, '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  const [runDir] = fs.readdirSync(out);
  const events = readEventLog(path.join(out, runDir), { strict: true }).events;
  const spikes = events.filter((event) => event.type === 'plugin.custom' && event.plugin === 'loss-spike-alert');
  assert.equal(spikes.length, 3);
  const finished = events.at(-1)!;
  assert.ok(finished.type === 'run.finished' && finished.reason === 'stopped' && finished.detail === '3 generator loss spikes');
  assert.match(result.stdout, /plugin decisions: plugin\.custom ×3/);
});

test('the example plugin\'s own option check surfaces as a one-line config error', () => {
  const dir = temporaryDirectory();
  const config = path.join(dir, 'run.json');
  fs.writeFileSync(config, JSON.stringify({ plugins: [{ name: examplePlugin, options: { factor: -1 } }] }));
  const result = runCli(['train', '--config', config, '--out', dir]);
  assert.equal(result.status, 2);
  assert.match(result.stderr.trim(), /^ganpipe: plugins\[0\] \(.*loss-spike-alert\.js\): options\.factor must be a positive number, got -1$/);
});
