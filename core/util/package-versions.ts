import * as fs from 'node:fs';
import * as path from 'node:path';

function readVersion(packageJsonPath: string): string | undefined {
  try {
    return JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** The ganpipe package root: the nearest package.json named "ganpipe" above this file. */
export function ganpipeRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate) && JSON.parse(fs.readFileSync(candidate, 'utf8')).name === 'ganpipe') return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find ganpipe's package.json above ${__dirname}`);
  }
}

/** Versions recorded in run.started, so a log says what produced it. */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.versions.node };
  const ganpipe = readVersion(path.join(ganpipeRoot(), 'package.json'));
  if (ganpipe) versions.ganpipe = ganpipe;
  for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'rxjs', 'tapable']) {
    let resolved: string | undefined;
    try {
      resolved = require.resolve(`${name}/package.json`);
    } catch {
      continue; // not installed
    }
    const version = readVersion(resolved);
    if (version) versions[name] = version;
  }
  return versions;
}
