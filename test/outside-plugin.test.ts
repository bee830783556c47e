import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../core/events/event-log-reader';
import { ganpipeRoot } from '../core/util/package-versions';
import { runCli, temporaryDirectory } from './support/run-helpers';

/**
 * Installs ganpipe into a fresh folder outside the repo the way `npm install <path>`
 * does (node_modules/ganpipe links to the package) and copies the fixture plugin there.
 */
function outsideProject(): string {
  const project = temporaryDirectory('ganpipe-outside-');
  fs.mkdirSync(path.join(project, 'node_modules'));
  fs.symlinkSync(ganpipeRoot(), path.join(project, 'node_modules', 'ganpipe'), 'dir');
  fs.copyFileSync(path.join(ganpipeRoot(), 'test/fixtures/outside-plugin/index.js'), path.join(project, 'outside-plugin.js'));
  return project;
}

test('a plugin outside the repo imports tf from ganpipe, taps the plan and gradients, publishes events, and sees the same sequence in replay as live', () => {
  const project = outsideProject();
  const config = (traceFile: string) => ({ steps: 12, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 6, samples: 100 }, plugins: ['gradient-clipping', { name: './outside-plugin.js', options: { traceFile } }] });
  fs.writeFileSync(path.join(project, 'train.json'), JSON.stringify(config('live-trace.txt')));
  const trained = runCli(['train', '--config', 'train.json', '--out', 'runs'], { cwd: project });
  assert.equal(trained.status, 0, trained.stderr);
  const runDir = path.join(project, 'runs', fs.readdirSync(path.join(project, 'runs'))[0]);
  const { events } = readEventLog(runDir, { strict: true });
  assert.deepEqual(events.filter((event) => event.type === 'plugin.custom').map((event) => event.step), [5, 10]);
  assert.ok(!events.some((event) => event.type === 'plugin.failed'), 'the plugin failed live');

  fs.writeFileSync(path.join(project, 'replay.json'), JSON.stringify(config('replay-trace.txt')));
  const replayed = runCli(['replay', runDir, '--config', 'replay.json', '--plugin', './outside-plugin.js'], { cwd: project });
  assert.equal(replayed.status, 0, replayed.stderr);
  const live = fs.readFileSync(path.join(project, 'live-trace.txt'), 'utf8').trim().split('\n');
  const replay = fs.readFileSync(path.join(project, 'replay-trace.txt'), 'utf8').trim().split('\n');
  assert.equal(live[0], '0 run.started 0');
  assert.equal(live[1], 'hook runStart');
  assert.equal(live.at(-2), 'hook runEnd');
  assert.match(live.at(-1)!, /^\d+ run\.finished 12$/);
  assert.deepEqual(replay, live, 'replay showed the plugin a different sequence (seq, type, step) or hook order');
});

test('ganpipe --version prints the package version', () => {
  const result = runCli(['--version']);
  assert.equal(result.status, 0);
  assert.equal(result.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ganpipeRoot(), 'package.json'), 'utf8')).version);
});

test('an async function tapped on a synchronous hook: plugin.failed names the plugin and the hook, the run goes on', () => {
  const project = outsideProject();
  fs.writeFileSync(path.join(project, 'async-gradients.js'), "module.exports = () => ({ name: 'async-gradients', apply(host) { host.hooks.generatorGradients.tap('async-gradients', async (gradients) => gradients) } });\n");
  fs.writeFileSync(path.join(project, 'train.json'), JSON.stringify({ steps: 3, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, plugins: ['./async-gradients.js'] }));
  const trained = runCli(['train', '--config', 'train.json', '--out', 'runs'], { cwd: project });
  assert.equal(trained.status, 0, trained.stderr);
  const runDir = path.join(project, 'runs', fs.readdirSync(path.join(project, 'runs'))[0]);
  const failures = readEventLog(runDir).events.filter((event) => event.type === 'plugin.failed');
  assert.equal(failures.length, 3);
  assert.ok(failures.every((event) => event.type === 'plugin.failed' && event.plugin === 'async-gradients' && event.source === 'generatorGradients'));
  assert.match(failures[0].type === 'plugin.failed' ? failures[0].error.message : '', /generatorGradients calls its taps synchronously, but this tap returned a Promise: use a plain function with tap\(\)/);
});
