/**
 * Writes the dashboards' JSON (committed under dashboards/json/, provisioned into
 * Grafana). test/dashboards.test.ts fails when the committed JSON differs from this.
 *
 *   npm run build && node dist/dashboards/src/generate-dashboards.js
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dashboard } from '@grafana/schema';
import { ganpipeRoot } from '../../core/util/package-versions';
import { pipelineHealth } from './pipeline-health';
import { runComparison } from './run-comparison';
import { trainingOverview } from './training-overview';

export const dashboards: Record<string, Dashboard> = {
  'training-overview.json': trainingOverview,
  'run-comparison.json': runComparison,
  'pipeline-health.json': pipelineHealth,
};

export const dashboardJsonDir = () => path.join(ganpipeRoot(), 'dashboards', 'json');

export function renderDashboard(dashboard: Dashboard): string {
  return JSON.stringify(dashboard, null, 2) + '\n';
}

if (require.main === module) {
  for (const [file, dashboard] of Object.entries(dashboards)) {
    fs.writeFileSync(path.join(dashboardJsonDir(), file), renderDashboard(dashboard));
    console.log(`wrote dashboards/json/${file}`);
  }
}
