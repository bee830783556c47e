import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ganpipeRoot } from '../core/util/package-versions';
import { dashboardJsonDir, dashboards, renderDashboard } from '../dashboards/src/generate-dashboards';
import { MEASUREMENTS, metricSchema } from '../plugins/influx-sink/metric-schema';
import { influxDataSource } from '../dashboards/src/building-blocks';

const root = ganpipeRoot();

test('the committed dashboard JSON is exactly what the TypeScript generates (run `npm run dashboards`)', () => {
  const committed = fs.readdirSync(dashboardJsonDir()).sort();
  assert.deepEqual(committed, Object.keys(dashboards).sort());
  for (const [file, dashboard] of Object.entries(dashboards)) {
    assert.equal(fs.readFileSync(path.join(dashboardJsonDir(), file), 'utf8'), renderDashboard(dashboard), `dashboards/json/${file} is stale`);
  }
});

test('every panel query reads a measurement and fields the sink declares', () => {
  const fieldsOf = new Map(metricSchema.map((schema) => [schema.measurement, new Set([...Object.keys(schema.fields), ...schema.tags])]));
  // Its fields are whatever metrics a dataset or plugin adds: panels select them by regex.
  fieldsOf.set(MEASUREMENTS.evaluationExtra, new Set(['run', 'dataset']));
  for (const dashboard of Object.values(dashboards)) {
    for (const panel of dashboard.panels ?? []) {
      for (const target of ('targets' in panel ? panel.targets ?? [] : []) as { query: string }[]) {
        const measurement = /FROM "([^"]+)"/.exec(target.query)?.[1];
        assert.ok(measurement && fieldsOf.has(measurement), `${dashboard.title} / ${'title' in panel ? panel.title : ''}: unknown measurement in ${target.query}`);
        for (const [, field] of target.query.matchAll(/\(\s*"([^"]+)"\s*\)/g)) assert.ok(fieldsOf.get(measurement)!.has(field), `${measurement} has no field ${field}`);
      }
    }
  }
});

test('docker-compose.yml: pinned images, healthchecks, volumes, credentials from the environment, mounts that exist', () => {
  const compose = parseYaml(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  const { influxdb, grafana } = compose.services;
  assert.match(influxdb.image, /^influxdb:1\.8\.\d+$/);
  assert.match(grafana.image, /^grafana\/grafana:\d+\.\d+\.\d+$/);
  for (const service of [influxdb, grafana]) {
    assert.ok(service.healthcheck?.test, 'healthcheck');
    assert.ok(service.volumes.length > 0, 'volumes');
    for (const volume of service.volumes as string[]) {
      const [source] = volume.split(':');
      if (source.startsWith('.')) assert.ok(fs.existsSync(path.join(root, source)), `mounted path ${source} exists`);
      else assert.ok(source in compose.volumes, `named volume ${source} declared`);
    }
  }
  assert.match(grafana.environment.GF_SECURITY_ADMIN_PASSWORD, /^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]*\}$/, 'no default admin password');
  assert.equal(grafana.depends_on.influxdb.condition, 'service_healthy');
});

test('the provisioned data source is the one the dashboards use, on the database the sink writes', () => {
  const datasources = parseYaml(fs.readFileSync(path.join(root, 'dashboards/provisioning/datasources/influxdb.yml'), 'utf8'));
  const [source] = datasources.datasources;
  assert.equal(source.uid, influxDataSource.uid);
  assert.equal(source.type, 'influxdb');
  assert.equal(source.jsonData.dbName, 'ganpipe', 'the sink\'s default database');
  const providers = parseYaml(fs.readFileSync(path.join(root, 'dashboards/provisioning/dashboards/ganpipe.yml'), 'utf8'));
  const compose = parseYaml(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
  const mount = (compose.services.grafana.volumes as string[]).find((volume) => volume.startsWith('./dashboards/json:'))!;
  assert.equal(mount.split(':')[1], providers.providers[0].options.path, 'Grafana loads the dashboards from where compose mounts them');
  for (const dashboard of Object.values(dashboards)) {
    for (const panel of dashboard.panels ?? []) if (panel.type !== 'row') assert.deepEqual('datasource' in panel && panel.datasource, influxDataSource);
  }
});
