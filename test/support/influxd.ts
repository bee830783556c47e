import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A private InfluxDB 1.x server for tests: its own config, data directories and ports
 * under a temporary directory, started and stopped by the test. `.ci/run` installs
 * Debian's influxdb package, so in CI (CI=true) a missing influxd is a failure; on a
 * developer machine without it the InfluxDB tests skip, saying so loudly.
 */
export interface PrivateInfluxd {
  url: string;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function influxdBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

/** undefined (after a loud message) when influxd is not installed outside CI. */
export function requireInfluxdOrSkip(): string | undefined {
  const binary = influxdBinary();
  if (binary) return binary;
  if (process.env.CI) throw new Error('influxd is not installed, but CI must run the InfluxDB tests: .ci/run installs it with apt-get install -y influxdb');
  process.stderr.write('\n*** SKIPPING InfluxDB tests: influxd not found (apt-get install -y influxdb to run them) ***\n\n');
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/ping`);
      if (response.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`influxd at ${url} did not answer /ping within ${timeoutMs} ms`);
}

export async function startPrivateInfluxd(binary: string): Promise<PrivateInfluxd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-influxd-'));
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const configPath = path.join(dir, 'influxdb.conf');
  fs.writeFileSync(
    configPath,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${dir}/meta"`,
      '[data]',
      `  dir = "${dir}/data"`,
      `  wal-dir = "${dir}/wal"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;
  const server: PrivateInfluxd = {
    url,
    dir,
    async start() {
      child = spawn(binary, ['-config', configPath], { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'influxd.log'), 'a')] });
      await waitForPing(url, 30_000);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  await server.start();
  return server;
}

/** Runs an InfluxQL query over HTTP and returns the first statement's series. */
export async function influxQuery(url: string, database: string, query: string): Promise<{ name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }[]> {
  const response = await fetch(`${url}/query?db=${encodeURIComponent(database)}&epoch=ms&q=${encodeURIComponent(query)}`);
  const body = (await response.json()) as { results: { series?: { name: string; columns: string[]; values: unknown[][] }[]; error?: string }[]; error?: string };
  if (body.error || body.results[0].error) throw new Error(`${query}: ${body.error ?? body.results[0].error}`);
  return body.results[0].series ?? [];
}
