import type { RunState } from '../core/state/run-state';
import { terminalSafe } from '../core/util/terminal-safe';

function formatMetric(value: number | null): string {
  if (value === null) return 'n/a';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/** The few lines printed when `ganpipe train` ends. */
export function formatRunSummary(state: RunState, logPath: string, backend: string): string {
  const seconds = (state.finish?.wallTimeMs ?? 0) / 1000;
  const lines = [
    `run ${state.runId} ${state.finish?.reason ?? state.status}${state.finish?.detail ? ` (${terminalSafe(state.finish.detail)})` : ''}: ${state.stepsCompleted} steps${state.stepsCompleted !== state.step ? ` (now at step ${state.step})` : ''} in ${seconds.toFixed(1)} s (${(state.stepsCompleted / Math.max(seconds, 1e-3)).toFixed(1)} steps/s) on ${backend}`,
  ];
  if (state.metrics) {
    const values = Object.entries(state.metrics.values).map(([name, value]) => `${name} ${formatMetric(value)}`);
    lines.push(`  final metrics (step ${state.metrics.step}): ${values.join(', ') || 'none'}`);
  }
  const decisions = Object.entries(state.decisions).map(([type, count]) => `${type} ×${count}`);
  lines.push(`  plugin decisions: ${decisions.join(', ') || 'none'}`);
  lines.push(...formatSinkReports(state));
  if (state.failure) lines.push(`  failed: ${terminalSafe(state.failure.message)}`);
  lines.push(`  event log: ${logPath} (${state.eventCount} events)`);
  return lines.join('\n');
}

/** One line per metrics sink: what reached it, and what did not (dropped, refused, never sent). */
export function formatSinkReports(state: RunState): string[] {
  return Object.entries(state.sinks).map(([sink, report]) => {
    const lost = report.dropped + report.refused + report.backlog;
    const why = lost > 0 && report.error ? `; last error: ${terminalSafe(report.error)}` : '';
    return `  metrics to ${terminalSafe(sink)}: ${report.written} points written, ${report.dropped} dropped, ${report.refused} refused, ${report.backlog} not sent${lost > 0 ? ' (ganpipe backfill can write them from the log)' : ''}${why}`;
  });
}
