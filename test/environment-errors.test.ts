import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { runCli, temporaryDirectory } from './support/run-helpers';

const small = { steps: 6, batchSize: 32, generator: { hiddenLayers: [16] }, discriminator: { hiddenLayers: [16] }, evaluation: { every: 3, samples: 100 } };

function writeConfig(config: object, dir = temporaryDirectory()): string {
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ ...small, ...config }));
  return file;
}

function assertOneLine(result: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.status, 2, result.stderr);
  const lines = result.stderr.trim().split('\n').filter((line) => !/^ganpipe: (training|run) /.test(line));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
}

test('--out naming a file, or below a file: one line with the system code, no stack', () => {
  const file = path.join(temporaryDirectory(), 'not-a-folder');
  fs.writeFileSync(file, '');
  for (const out of [file, path.join(file, 'below')]) {
    const result = runCli(['train', '--config', writeConfig({ plugins: [] }), '--out', out]);
    assertOneLine(result, /^ganpipe: .*not-a-folder.*: cannot create the run's folder and log \((ENOTDIR|EEXIST): a file is in the way where a folder should be\); choose another --out$/);
  }
});

test('a malformed %-escape in an InfluxDB URL: one line', () => {
  const result = runCli(['backfill', temporaryDirectory(), '--influx', 'http://a:b%zz@127.0.0.1:1']);
  assertOneLine(result, /^ganpipe: --influx: the URL's password has a malformed %-escape; write a literal % as %25$/);
});

test("a plugin whose apply() throws, or taps a synchronous hook with tapPromise: one line naming it", () => {
  const dir = temporaryDirectory();
  fs.writeFileSync(path.join(dir, 'throws.js'), "module.exports = () => ({ name: 'thrower', apply() { throw new Error('options.x is wrong') } });\n");
  fs.writeFileSync(path.join(dir, 'async-tap.js'), "module.exports = () => ({ name: 'async-tapper', apply(trainer) { trainer.hooks.beforeStep.tapPromise('async-tapper', async (plan) => plan) } });\n");
  assertOneLine(runCli(['train', '--config', writeConfig({ plugins: ['./throws.js'] }, dir)]), /^ganpipe: plugin "thrower": apply\(\) threw: options\.x is wrong$/);
  assertOneLine(runCli(['train', '--config', writeConfig({ plugins: ['./async-tap.js'] }, dir)]), /^ganpipe: plugin "async-tapper": apply\(\) threw: tapPromise is not supported on a SyncWaterfallHook$/);
});

test('prototype keys are rejected at every level of a config, plugin options included', () => {
  for (const [config, where] of [
    ['{"__proto__": {"steps": 1}}', '\\(top level\\)|__proto__'],
    ['{"generator": {"constructor": {"x": 1}}}', 'generator\\.constructor'],
    ['{"plugins": [{"name": "checkpoint", "options": {"a": [{"prototype": 1}]}}]}', 'plugins\\.0\\.options\\.a\\.0\\.prototype'],
  ]) {
    const file = path.join(temporaryDirectory(), 'config.json');
    fs.writeFileSync(file, config);
    assertOneLine(runCli(['train', '--config', file]), new RegExp(`^ganpipe: config file .*config\\.json: (${where}): "(__proto__|constructor|prototype)" is not allowed as a key`));
  }
});

test('an InfluxDB that refuses connections: the run completes and its summary says what did not reach it', async () => {
  // A port nothing listens on: bound, then closed.
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  await new Promise((resolve) => listener.close(resolve));
  const config = writeConfig({ plugins: [{ name: 'influx', options: { url: `http://127.0.0.1:${port}`, endFlushTimeoutMs: 200 } }] });
  const result = runCli(['train', '--config', config, '--out', temporaryDirectory()]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ {2}metrics to influx: 0 points written, 0 dropped, 0 refused, [1-9]\d* not sent \(ganpipe backfill can write them from the log\); last error: .+/m);
});

test('a CSV with 200,000 header columns and a header name holding a newline: the error stays one capped line', () => {
  const dir = temporaryDirectory();
  const header = ['time', '"two\nlines"', ...Array.from({ length: 200_000 }, (_, index) => `column${index}`)].join(',');
  fs.writeFileSync(path.join(dir, 'wide.csv'), `${header}\n`);
  const config = writeConfig({ dataset: 'csv', csv: { path: 'wide.csv', timeColumn: 'time', featureColumns: ['missing'], window: 4 } }, dir);
  const result = runCli(['train', '--config', config, '--out', temporaryDirectory()]);
  assertOneLine(result, /^ganpipe: .*wide\.csv.*… \(\d+ more characters cut\)$/);
  assert.ok(result.stderr.length < 1200, `${result.stderr.length} characters`);
});
