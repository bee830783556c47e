import type { Dashboard } from '@grafana/schema';
import { ganpipeDashboard, influxQuery, runFilter, runVariable, timeSeriesPanel } from './building-blocks';

const where = runFilter('runs');

/** Several runs overlaid, chosen with a multi-value variable. */
export const runComparison: Dashboard = {
  ...ganpipeDashboard({ uid: 'ganpipe-run-comparison', title: 'ganpipe: Run comparison', live: false, variable: runVariable('runs', true) }),
  panels: [
    timeSeriesPanel(1, 'Generator loss by run', { x: 0, y: 0 }, [
      influxQuery('A', `SELECT mean("loss") FROM "updates" WHERE "network" = 'generator' AND ${where} GROUP BY time($__interval), "run" fill(none)`, '$tag_run'),
    ]),
    timeSeriesPanel(2, 'Discriminator loss by run', { x: 12, y: 0 }, [
      influxQuery('A', `SELECT mean("loss") FROM "updates" WHERE "network" = 'discriminator' AND ${where} GROUP BY time($__interval), "run" fill(none)`, '$tag_run'),
    ]),
    timeSeriesPanel(3, 'Modes covered by run', { x: 0, y: 8 }, [
      influxQuery('A', `SELECT last("modesCovered") FROM "evaluation" WHERE ${where} GROUP BY time($__interval), "run" fill(none)`, '$tag_run'),
    ], { drawStyle: 'points' }),
    timeSeriesPanel(4, 'Reverse KL by run', { x: 12, y: 8 }, [
      influxQuery('A', `SELECT last("reverseKL") FROM "evaluation" WHERE ${where} GROUP BY time($__interval), "run" fill(none)`, '$tag_run'),
    ], { drawStyle: 'points' }),
    timeSeriesPanel(5, 'High-quality fraction by run', { x: 0, y: 16 }, [
      influxQuery('A', `SELECT last("highQualityFraction") FROM "evaluation" WHERE ${where} GROUP BY time($__interval), "run" fill(none)`, '$tag_run'),
    ], { drawStyle: 'points', unit: 'percentunit' }),
    timeSeriesPanel(6, 'D updates per step by run', { x: 12, y: 16 }, [
      influxQuery('A', `SELECT last("d") FROM "schedule" WHERE ${where} GROUP BY time($__interval), "run" fill(previous)`, '$tag_run'),
    ]),
  ],
};
