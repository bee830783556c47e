/** ganpipe's public API: what plugins, tools and tests import. */
export { Trainer, type TrainerOptions } from './trainer/trainer';
export type { TrainerPlugin, PluginFactory, PluginHost } from './trainer/plugin';
export type { TrainerHooks, HookName, StepPlan, StepContext, GradientContext, StepOutcome, EvaluationContext, EvaluationMetrics, RunContext, RunEndContext } from './trainer/trainer-hooks';
export { runEventSchema, runEventTypes, EVENT_SCHEMA_VERSION, type RunEvent, type RunEventType, type EventOfType, type EventPayload } from './events/run-event';
export { readEventLog, type EventLogReadResult, type EventLogProblem } from './events/event-log-reader';
export { EventLogWriter, EVENT_LOG_FILE } from './events/event-log-writer';
export { evolve, foldRunState, initialRunState, type RunState } from './state/run-state';
export { trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/train-config';
export { loadTrainConfig } from './config/load-train-config';
export { selectBackend } from './backend/select-backend';
export { GanpipeError, errorCatalog, type ErrorCode } from './errors';
export type { NamedGradients, NetworkName } from './model/gan-model';
