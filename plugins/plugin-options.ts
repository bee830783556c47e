import type { z } from 'zod';
import { describeIssue } from '../core/config/load-train-config';
import { GanpipeError } from '../core/errors';

/** Validates a plugin's options once, when it is created; the error names the field. */
export function parsePluginOptions<T extends z.ZodTypeAny>(pluginName: string, schema: T, options: unknown): z.output<T> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
  throw new GanpipeError('GANPIPE_CONFIG_INVALID', `${pluginName} ${field}: ${describeIssue(issue)}`);
}
