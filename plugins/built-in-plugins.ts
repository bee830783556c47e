import type { PluginFactory } from '../core/trainer/plugin';
import { adaptiveRatio, ADAPTIVE_RATIO } from './adaptive-ratio';
import { checkpoint, CHECKPOINT } from './checkpoint';
import { collapseDetection, COLLAPSE_DETECTION } from './collapse-detection';
import { gradientClipping, GRADIENT_CLIPPING } from './gradient-clipping';
import { influxSink, INFLUX_SINK } from './influx-sink';

/** Plugins a config can name without a path, by their name. */
export const builtInPlugins: Record<string, PluginFactory> = {
  [GRADIENT_CLIPPING]: gradientClipping,
  [ADAPTIVE_RATIO]: adaptiveRatio,
  [COLLAPSE_DETECTION]: collapseDetection,
  [CHECKPOINT]: checkpoint,
  [INFLUX_SINK]: influxSink,
};
