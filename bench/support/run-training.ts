import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEventLog } from '../../core/events/event-log-reader';
import type { RunEvent } from '../../core/events/run-event';

const cliPath = path.resolve(__dirname, '../../cli/ganpipe.js');

/** Runs `ganpipe train` in a child process (one core each) and returns its events. */
export function runTraining(config: object, outDir: string): Promise<RunEvent[]> {
  fs.mkdirSync(outDir, { recursive: true });
  const configPath = path.join(outDir, 'config.json');
  fs.writeFileSync(configPath, JSON.stringify({ ...config, out: outDir }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'train', '--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`ganpipe train exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
      const runDir = fs.readdirSync(outDir).find((name) => name !== 'config.json')!;
      resolve(readEventLog(path.join(outDir, runDir), { strict: true }).events);
    });
  });
}

/** Runs jobs with at most `concurrency` at a time, keeping their order in the result. */
export async function runPool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
  return results;
}
