import type { AnnotationQuery, Dashboard, DataQuery, DataSourceRef, Panel, RowPanel, VariableModel } from '@grafana/schema';

/** The provisioned InfluxDB data source (dashboards/provisioning/datasources/influxdb.yml). */
export const influxDataSource: DataSourceRef = { type: 'influxdb', uid: 'ganpipe-influxdb' };

/** An InfluxQL query as Grafana's InfluxDB data source stores it. */
export interface InfluxQuery extends DataQuery {
  [key: string]: unknown;
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table';
  alias?: string;
}

export function influxQuery(refId: string, query: string, alias?: string): InfluxQuery {
  return { refId, datasource: influxDataSource, query, rawQuery: true, resultFormat: 'time_series', ...(alias ? { alias } : {}) };
}

/** `WHERE` clause shared by every panel: the chosen run(s) and the dashboard's time range. */
export const runFilter = (variable: string) => `"run" =~ /^$${variable}$/ AND $timeFilter`;

export function timeSeriesPanel(id: number, title: string, gridPos: { x: number; y: number; w?: number; h?: number }, targets: InfluxQuery[], options: { unit?: string; description?: string; drawStyle?: 'line' | 'points' } = {}): Panel {
  return {
    id,
    type: 'timeseries',
    title,
    description: options.description,
    datasource: influxDataSource,
    gridPos: { x: gridPos.x, y: gridPos.y, w: gridPos.w ?? 12, h: gridPos.h ?? 8 },
    targets,
    fieldConfig: {
      defaults: { unit: options.unit ?? 'short', custom: { drawStyle: options.drawStyle ?? 'line', spanNulls: true, lineInterpolation: options.drawStyle === 'points' ? undefined : 'linear' } },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
  };
}

/** A full-width row header that groups the panels below it. */
export function rowPanel(id: number, title: string, y: number): RowPanel {
  return { id, type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}

/** A run picker filled from the runs InfluxDB knows (`SHOW TAG VALUES`). */
export function runVariable(name: string, multi: boolean): VariableModel {
  return {
    name,
    label: multi ? 'Runs' : 'Run',
    type: 'query',
    datasource: influxDataSource,
    query: 'SHOW TAG VALUES FROM "updates" WITH KEY = "run"',
    refresh: 2, // on time-range change, so new runs appear
    sort: 2, // newest run ids (timestamped) last → reverse-alpha puts them first
    multi,
    includeAll: multi,
    ...(multi ? {} : { current: {} }),
  } as VariableModel;
}

/** An annotation drawn from ganpipe's decision events (measurement "decisions"). */
export function decisionAnnotation(name: string, kindPattern: string, iconColor: string, variable = 'run'): AnnotationQuery<InfluxQuery> {
  return {
    name,
    enable: true,
    iconColor,
    datasource: influxDataSource,
    target: { ...influxQuery('Anno', `SELECT "text", "kind", "signal" FROM "decisions" WHERE "kind" =~ /${kindPattern}/ AND ${runFilter(variable)}`), resultFormat: 'table' },
  };
}

/** What every ganpipe dashboard shares: uid, title, tag, schema, time, shared crosshair, the run picker. */
export function ganpipeDashboard(options: { uid: string; title: string; live: boolean; variable: VariableModel }): Dashboard {
  return {
    uid: options.uid,
    title: options.title,
    tags: ['ganpipe'],
    schemaVersion: 39,
    editable: true,
    ...(options.live ? { refresh: '5s' } : {}),
    time: { from: options.live ? 'now-30m' : 'now-24h', to: 'now' },
    graphTooltip: 1,
    templating: { list: [options.variable] },
  };
}
