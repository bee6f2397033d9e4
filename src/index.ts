export { TsnencBuilder } from "./app/builder.js";
export { Tsnenc, type TsnencConfig, type TsnencEnvironment } from "./app/tsnenc.js";
export type * from "./backends/contract/index.js";
export {
  type BackendCreateOptions,
  type BackendDefinition,
  defineBackend,
} from "./backends/definition.js";
export { createMemoryBackend } from "./backends/memory/index.js";
export type { BackendName, BuiltinBackendName } from "./backends/names.js";
export { backendNames, registerBackend, unregisterBackend } from "./backends/registry.js";
export type { ConcurrencyControlMode } from "./config/index.js";
export { CONCURRENCY_CONTROL_MODES as ConcurrencyControlModes } from "./config/index.js";
export { getExecutionContext } from "./context/execution-context.js";
export * from "./errors/errors.js";
export type { InvocationGroup } from "./invocation/group.js";
export { type HistoryItem, type Invocation, PendingInvocation } from "./invocation/invocation.js";
export { AsyncRunner, type AsyncRunnerOptions } from "./runners/async-runner.js";
export { BaseRunner, type RunnerOptions } from "./runners/base-runner.js";
export type { AppModuleRef } from "./runners/child/app-module.js";
export type { RunnerExecutor, RunnerHost } from "./runners/core/executor.js";
export { DummyRunner, ExternalRunner } from "./runners/dummy-runner.js";
export { MultiProcessRunner, type MultiProcessRunnerOptions } from "./runners/multi-process-runner.js";
export {
  PersistentProcessRunner,
  type PersistentProcessRunnerOptions,
} from "./runners/persistent-process-runner.js";
export { ProcessRunner, type ProcessRunnerOptions } from "./runners/process-runner.js";
export type { RunnerContext } from "./runners/runner-context.js";
export type { SpawningRunnerOptions } from "./runners/supervisor/child-supervisor.js";
export { ThreadRunner, type ThreadRunnerOptions } from "./runners/thread-runner.js";
export {
  AVAILABLE_STATUSES,
  FINAL_STATUSES,
  isAvailableForRun,
  isFinalStatus,
  STATUS_TABLE,
  type StatusDefinition,
} from "./status/status-table.js";
export { ALL_STATUSES, type HistoryEntry, InvocationStatus, type StatusRecord } from "./status/statuses.js";
/** The status machine's transition rule, for backends to apply inside their atomic primitives. */
export { computeTransition } from "./status/transition.js";
export type { Task } from "./task/task.js";
export type { TaskOptions } from "./task/task-options.js";

/** The four modes of registration and running concurrency control. */
export const ConcurrencyControlType = {
  DISABLED: "disabled",
  TASK: "task",
  ARGUMENTS: "arguments",
  KEYS: "keys",
} as const;
