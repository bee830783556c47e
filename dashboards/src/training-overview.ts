import type { Dashboard } from '@grafana/schema';
import { ganpipeDashboard, decisionAnnotation, influxQuery, rowPanel, runFilter, runVariable, timeSeriesPanel } from './building-blocks';

const where = runFilter('run');

/** One run, live: losses, the D/G schedule, gradient norms, quality, and the moments plugins acted. */
export const trainingOverview: Dashboard = {
  ...ganpipeDashboard({ uid: 'ganpipe-training-overview', title: 'ganpipe: Training overview', live: true, variable: runVariable('run', false) }),
  annotations: {
    list: [
      decisionAnnotation('Collapse signals', '^collapse\\.(suspected|detected|recovered)$', 'red'),
      decisionAnnotation('Schedule changes', '^schedule\\.changed$', 'blue'),
      decisionAnnotation('Rollbacks', '^(collapse\\.rolledBack|checkpoint\\.restored)$', 'orange'),
    ],
  },
  panels: [
    timeSeriesPanel(1, 'Losses', { x: 0, y: 0 }, [
      influxQuery('A', `SELECT mean("loss") FROM "updates" WHERE ${where} GROUP BY time($__interval), "network" fill(none)`, '$tag_network loss'),
    ], { description: 'Mean D and G loss per interval (non-saturating loss; D near 2 ln 2 ≈ 1.386 at balance).' }),
    timeSeriesPanel(2, 'D/G schedule (updates per step)', { x: 12, y: 0 }, [
      influxQuery('A', `SELECT last("d") AS "D updates", last("g") AS "G updates" FROM "schedule" WHERE ${where} GROUP BY time($__interval) fill(previous)`),
    ]),
    timeSeriesPanel(3, 'Gradient norms before and after clipping', { x: 0, y: 8 }, [
      influxQuery('A', `SELECT mean("normBefore") AS "before", mean("normAfter") AS "after" FROM "clipping" WHERE ${where} GROUP BY time($__interval), "network" fill(none)`, '$tag_network $col'),
      influxQuery('B', `SELECT mean("gradNorm") FROM "updates" WHERE ${where} GROUP BY time($__interval), "network" fill(none)`, '$tag_network raw'),
    ]),
    timeSeriesPanel(4, 'Mode metrics (quality)', { x: 12, y: 8 }, [
      influxQuery('A', `SELECT last("modesCovered") AS "modes covered", last("reverseKL") AS "reverse KL" FROM "evaluation" WHERE ${where} GROUP BY time($__interval) fill(none)`),
      influxQuery('B', `SELECT last("highQualityFraction") AS "high-quality fraction" FROM "evaluation" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { drawStyle: 'points' }),
    timeSeriesPanel(5, 'Discriminator outputs and accuracy', { x: 0, y: 16 }, [
      influxQuery('A', `SELECT mean("meanRealOutput") AS "D(real)", mean("meanFakeOutput") AS "D(fake)", mean("accuracy") AS "accuracy" FROM "updates" WHERE "network" = 'discriminator' AND ${where} GROUP BY time($__interval) fill(none)`),
    ], { unit: 'percentunit' }),
    timeSeriesPanel(6, 'Learning rates', { x: 12, y: 16 }, [
      influxQuery('A', `SELECT last("learningRate") FROM "updates" WHERE ${where} GROUP BY time($__interval), "network" fill(none)`, '$tag_network'),
    ]),
    // Sequences and fields: the losses say little there, and samples can't be judged by eye.
    rowPanel(7, 'Spatiotemporal quality (sequences and fields)', 24),
    timeSeriesPanel(8, 'Distance to the real data: MMD', { x: 0, y: 25 }, [
      influxQuery('A', `SELECT last("mmd") AS "MMD²" FROM "evaluation" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { drawStyle: 'points', description: 'MMD² to a fixed real reference set, RBF kernel with the median-heuristic bandwidth (docs/metrics.md). 0 = same distribution; a climb from the run\'s best is the mmd-rise collapse signal.' }),
    timeSeriesPanel(9, 'Discriminative score', { x: 12, y: 25 }, [
      influxQuery('A', `SELECT last("discriminativeScore") AS "discriminative score" FROM "evaluation" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { drawStyle: 'points', description: '|accuracy − 0.5| of a fresh classifier telling real from generated (TimeGAN). 0 = indistinguishable, 0.5 = always told apart.' }),
    timeSeriesPanel(10, 'Temporal and spatial structure', { x: 0, y: 33 }, [
      influxQuery('A', `SELECT last("acfDistance") AS "ACF distance", last("crossCorrelationDistance") AS "cross-correlation distance", last("psdDistance") AS "PSD distance", last("moransIDifference") AS "Moran's I difference" FROM "evaluation" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { drawStyle: 'points', description: 'Autocorrelation, cross-correlation and spectrum distances over time; Moran\'s I difference for fields. All 0 when the generated data has the real structure.' }),
    timeSeriesPanel(11, 'ACF distance per feature', { x: 12, y: 33 }, [
      influxQuery('A', `SELECT last(/^acfDistance\\./) FROM "evaluation_extra" WHERE ${where} GROUP BY time($__interval) fill(none)`),
    ], { drawStyle: 'points', description: 'Which feature\'s temporal structure the generator misses.' }),
  ],
};
