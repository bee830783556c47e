/** ganpipe's public API: what plugins, tools and tests import. */
/**
 * The TensorFlow.js instance the trainer runs on: a plugin that builds tensors (a
 * gradient hook scaling gradients, say) must use this one, not its own copy, or its
 * tensors belong to another engine and backend.
 */
export * as tf from '@tensorflow/tfjs-core';
export { Trainer, type TrainerOptions } from './trainer/trainer';
export type { TrainerPlugin, PluginFactory, PluginFactoryContext, PluginHost, PluginStateContext } from './trainer/plugin';
export type { TrainerHooks, HookName, StepPlan, StepContext, GradientContext, StepOutcome, EvaluationContext, EvaluationMetrics, RunContext, RunEndContext } from './trainer/trainer-hooks';
export { eventTypeTraits, type EventTypeTraits } from './events/event-types';
export { runEventSchema, runEventTypes, EVENT_SCHEMA_VERSION, type RunEvent, type RunEventType, type EventOfType, type EventPayload } from './events/run-event';
export { readEventLog, type EventLogReadResult, type EventLogProblem } from './events/event-log-reader';
export { EventLogWriter, EVENT_LOG_FILE } from './events/event-log-writer';
export { evolve, foldRunState, initialRunState, type RunState } from './state/run-state';
export { trainConfigSchema, type TrainConfig, type TrainConfigInput } from './config/train-config';
export { loadTrainConfig } from './config/load-train-config';
export { selectBackend } from './backend/select-backend';
export { GanpipeError, errorCatalog, type ErrorCode } from './errors';
export type { NamedGradients, NetworkName } from './model/gan-model';
