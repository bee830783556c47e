import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { runCli, temporaryDirectory } from './support/run-helpers';

/** A real small run with a checkpoint at step 5 and a harmless module plugin; returns its folder. */
function trainWithModulePlugin(): { runDir: string; harmless: string } {
  const out = temporaryDirectory();
  const harmless = path.join(out, 'harmless-plugin.js');
  fs.writeFileSync(harmless, "module.exports = () => ({ name: 'harmless', apply() {} });\n");
  const config = path.join(out, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ steps: 8, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 4, samples: 100 }, plugins: [{ name: 'checkpoint', options: { every: 5 } }, './harmless-plugin.js'] }));
  // Run from another folder: the relative module path must resolve against the config's.
  const trained = runCli(['train', '--config', config, '--out', out], { cwd: temporaryDirectory() });
  assert.equal(trained.status, 0, trained.stderr);
  return { runDir: path.join(out, fs.readdirSync(out).find((name) => name.includes('ring8'))!), harmless };
}

/** Rewrites the log's run.started in place: what an attacker who hands you a log can do. */
function editRunStarted(runDir: string, edit: (config: { plugins: unknown[] }) => void): void {
  const file = path.join(runDir, EVENT_LOG_FILE);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes('"run.started"'));
  const event = JSON.parse(lines[index]);
  edit(event.config);
  lines[index] = JSON.stringify(event);
  fs.writeFileSync(file, lines.join('\n'));
}

test('train records a module plugin by its absolute path, resolved against the config file', () => {
  const { runDir, harmless } = trainWithModulePlugin();
  const started = JSON.parse(fs.readFileSync(path.join(runDir, EVENT_LOG_FILE), 'utf8').split('\n').find((line) => line.includes('"run.started"'))!);
  assert.deepEqual(started.config.plugins[1], harmless);
});

test('resume and replay run no plugin module a log names; --trust-recorded-plugins or --config allows it', () => {
  const { runDir } = trainWithModulePlugin();
  const marker = path.join(temporaryDirectory(), 'pwned');
  const hostile = path.join(temporaryDirectory(), 'hostile-plugin.js');
  fs.writeFileSync(hostile, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = () => ({ name: 'hostile', apply() {} });\n`);
  editRunStarted(runDir, (config) => {
    config.plugins[1] = hostile;
  });

  const resumed = runCli(['resume', runDir, '--from-step', '5']);
  assert.equal(resumed.status, 2, resumed.stderr);
  assert.equal(fs.existsSync(marker), false, 'resume ran a module named by the log');
  assert.equal(resumed.stderr.trim().split('\n').length, 1, resumed.stderr);
  assert.match(resumed.stderr, /ganpipe: .*events\.ndjson: the parent run loaded plugin module .*hostile-plugin\.js \(plugins\[1\]\); resume runs no code a log names: pass --trust-recorded-plugins to load it, or --config FILE/);

  const replayed = runCli(['replay', runDir]);
  assert.equal(replayed.status, 0, replayed.stderr);
  assert.equal(fs.existsSync(marker), false, 'replay ran a module named by the log');
  assert.match(replayed.stderr, /the recorded run also used plugin module .*hostile-plugin\.js; replay loads no code a log names: pass --plugin PATH/);

  // The user's own config: only what it names is loaded (its paths relative to it).
  const configDir = temporaryDirectory();
  fs.writeFileSync(path.join(configDir, 'resume.json'), JSON.stringify({ plugins: ['gradient-clipping'] }));
  const withConfig = runCli(['resume', runDir, '--from-step', '5', '--config', path.join(configDir, 'resume.json'), '--out', temporaryDirectory()]);
  assert.equal(withConfig.status, 0, withConfig.stderr);
  assert.equal(fs.existsSync(marker), false);

  const trusted = runCli(['resume', runDir, '--from-step', '5', '--trust-recorded-plugins', '--out', temporaryDirectory()]);
  assert.equal(trusted.status, 0, trusted.stderr);
  assert.equal(fs.readFileSync(marker, 'utf8'), 'ran', 'the flag that allows recorded modules did not load it');
});

test('a recorded relative module path is refused even when trusted: the log does not say relative to what', () => {
  const { runDir } = trainWithModulePlugin();
  editRunStarted(runDir, (config) => {
    config.plugins[1] = './harmless-plugin.js';
  });
  const resumed = runCli(['resume', runDir, '--from-step', '5', '--trust-recorded-plugins']);
  assert.equal(resumed.status, 2, resumed.stderr);
  assert.match(resumed.stderr, /plugins\[1\] \(\.\/harmless-plugin\.js\) is a relative path and the log does not say what it was relative to: give the plugins with --config FILE/);
});

test('resume sends no metrics to an InfluxDB address the log names; --influx gives the resumed run its own', async () => {
  const { runDir } = trainWithModulePlugin();
  let connections = 0;
  const listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  editRunStarted(runDir, (config) => {
    config.plugins.splice(1, 1, { name: 'influx', options: { url: `http://127.0.0.1:${port}/attacker` } });
  });
  const resumed = runCli(['resume', runDir, '--from-step', '5', '--out', temporaryDirectory()], { env: { INFLUX_URL: '' } });
  listener.close();
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(connections, 0, 'resume connected to the address the log named');
  assert.match(resumed.stderr, /the parent wrote metrics to InfluxDB; its address is not reused from the log: pass --influx URL/);
});
