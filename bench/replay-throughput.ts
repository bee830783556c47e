/**
 * Replay throughput: events/s read from disk, parsed, upcast, validated and folded
 * into the run state, on a log of at least 1,000,000 events made by repeating the step
 * events of a real recorded run (seq and step renumbered, so the log is valid).
 *
 *   npm run build && node dist/bench/replay-throughput.js [--events 1000000] [--repetitions 3]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { readEventLog } from '../core/events/event-log-reader';
import { EVENT_LOG_FILE } from '../core/events/event-log-writer';
import { foldRunState } from '../core/state/run-state';
import { ganpipeRoot } from '../core/util/package-versions';
import { median } from './support/statistics';

function main() {
  const options = new Command().option('--events <n>', 'events in the log', '1000000').option('--repetitions <n>', 'repetitions', '3').parse().opts();
  const target = Number(options.events);
  const template = readEventLog(path.join(ganpipeRoot(), 'test/fixtures/v1-run')).events;
  const [started, ...rest] = template;
  const perStep = rest.filter((event) => event.step === 5); // one step's events
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ganpipe-replay-bench-'));
  const file = path.join(dir, EVENT_LOG_FILE);
  const out = fs.openSync(file, 'w');
  let seq = 0;
  let chunk: string[] = [JSON.stringify({ ...started, seq: seq++ })];
  for (let step = 1; seq < target; step++) {
    for (const event of perStep) chunk.push(JSON.stringify({ ...event, seq: seq++, step }));
    if (chunk.length > 10_000) {
      fs.writeSync(out, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  fs.writeSync(out, chunk.join('\n') + '\n');
  fs.closeSync(out);
  const megabytes = fs.statSync(file).size / 1e6;
  const rates: number[] = [];
  for (let repetition = 0; repetition < Number(options.repetitions); repetition++) {
    const startedAt = performance.now();
    const { events, problems } = readEventLog(dir);
    const state = foldRunState(events);
    const seconds = (performance.now() - startedAt) / 1000;
    if (problems.length || state.eventCount !== seq) throw new Error('the benchmark log did not read back whole');
    rates.push(seq / seconds);
  }
  console.log(`replay throughput: ${Math.round(median(rates))} events/s (median of ${rates.length}; ${seq} events, ${megabytes.toFixed(0)} MB, read + JSON.parse + upcast + zod validation + fold)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
