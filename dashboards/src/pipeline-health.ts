import type { Dashboard } from '@grafana/schema';
import { ganpipeDashboard, influxQuery, runFilter, runVariable, timeSeriesPanel } from './building-blocks';

const where = runFilter('run');

/** Is the pipeline keeping up: event rate, sink backlog and drops, time spent in plugins. */
export const pipelineHealth: Dashboard = {
  ...ganpipeDashboard({ uid: 'ganpipe-pipeline-health', title: 'ganpipe: Pipeline health', live: true, variable: runVariable('run', false) }),
  panels: [
    timeSeriesPanel(1, 'Events per second', { x: 0, y: 0 }, [
      influxQuery('A', `SELECT non_negative_derivative(max("seq"), 1s) AS "events/s" FROM "steps" WHERE ${where} GROUP BY time($__interval) fill(none)`),
      influxQuery('B', `SELECT non_negative_derivative(max("step"), 1s) AS "steps/s" FROM "steps" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ]),
    timeSeriesPanel(2, 'InfluxDB sink: backlog and drops', { x: 12, y: 0 }, [
      influxQuery('A', `SELECT last("backlog") AS "backlog", last("dropped") AS "dropped", last("refused") AS "refused" FROM "sink" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { description: 'Points waiting to be written, dropped from the bounded buffer, and refused by InfluxDB. Anything missed can be written again with `ganpipe backfill`.' }),
    timeSeriesPanel(3, 'Time per step: in plugin hooks and in all', { x: 0, y: 8, w: 24 }, [
      influxQuery('A', `SELECT mean("hookMs") AS "in plugin hooks", mean("durationMs") AS "whole step" FROM "steps" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { unit: 'ms' }),
  ],
};
