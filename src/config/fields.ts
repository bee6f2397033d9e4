/**
 * Declarative specs of every config field: name, kind, default, description and scope.
 * The value types below are checked against the defaults at compile time.
 */

import { type BackendName, BUILTIN_BACKEND_NAMES } from "../backends/names.js";
import type { ErrorClass } from "../errors/errors.js";

export type { BackendName } from "../backends/names.js";

export const RUNNER_NAMES = [
  "AsyncRunner",
  "ThreadRunner",
  "ProcessRunner",
  "PersistentProcessRunner",
  "MultiProcessRunner",
  "DummyRunner",
  "ExternalRunner",
] as const;
export type RunnerName = (typeof RUNNER_NAMES)[number];
/** Values of config `runner`: a runner class, or "" (not configured: see `app.runner`). */
export const RUNNER_CONFIG_VALUES = ["", ...RUNNER_NAMES] as const;
export const LOGGING_LEVELS = ["debug", "info", "warning", "error"] as const;
export type LoggingLevel = (typeof LOGGING_LEVELS)[number];
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
export const LOG_STREAMS = ["stderr", "stdout"] as const;
export type LogStream = (typeof LOG_STREAMS)[number];
export const SERIALIZERS = ["json", "v8"] as const;
export type SerializerName = (typeof SERIALIZERS)[number];
export const CONCURRENCY_CONTROL_MODES = ["disabled", "task", "arguments", "keys"] as const;
export type ConcurrencyControlMode = (typeof CONCURRENCY_CONTROL_MODES)[number];

/** An Error subclass (in code), or its class name (from files and env). */
export type ErrorClassRef = string | ErrorClass;

/** Fields that configure the app as a whole. */
export interface AppScopeValues {
  appId: string;
  backend: BackendName;
  sqlitePath: string;
  redisUrl: string;
  postgresUrl: string;
  broker: string;
  rabbitmqUrl: string;
  runner: RunnerName | "";
  maxConcurrency: number;
  minProcesses: number;
  maxProcesses: number;
  maxRunningProcesses: number;
  idleTimeoutProcessMs: number;
  numProcesses: number;
  processConcurrency: number;
  numThreads: number;
  threadConcurrency: number;
  runnerConsideredDeadAfterMs: number;
  runnerHeartbeatIntervalMs: number;
  invocationLeaseMs: number;
  runnerIdlePollMs: number;
  resultWaitSafetyPollMs: number;
  loggingLevel: LoggingLevel;
  logFormat: LogFormat;
  logStream: LogStream;
  devModeForceSyncTasks: boolean;
  serializer: SerializerName;
  finalInvocationRetentionMs: number;
  minSizeToCache: number;
  maxSizeToCache: number;
  localCacheSize: number;
  disableClientDataStore: boolean;
  triggerTaskModules: readonly string[];
  globalServiceIntervalMs: number;
}

/** Fields settable per task; at app level they are the defaults of every task. */
export interface TaskConfigValues {
  maxRetries: number;
  retryFor: readonly ErrorClassRef[];
  retryDelayMs: number;
  retryBackoffFactor: number;
  retryMaxDelayMs: number;
  runningConcurrency: ConcurrencyControlMode;
  registrationConcurrency: ConcurrencyControlMode;
  concurrencyLimit: number;
  keyArguments: readonly string[];
  onDiffNonKeyArgsRaise: boolean;
  rerouteOnConcurrencyControl: boolean;
  disableCacheArgs: readonly string[];
  forceNewWorkflow: boolean;
  parallelBatchSize: number;
}

export interface AppConfigValues extends AppScopeValues, TaskConfigValues {}

export type FieldName = keyof AppConfigValues;
export type AppFieldName = keyof AppScopeValues;
export type TaskFieldName = keyof TaskConfigValues;
export type FieldScope = "app" | "task";

export type FieldKind =
  | { readonly type: "string" }
  | { readonly type: "number"; readonly min?: number; readonly integer?: boolean }
  | { readonly type: "boolean" }
  | { readonly type: "enum"; readonly values: readonly string[] }
  | { readonly type: "stringList" }
  | { readonly type: "errorClassList" };

interface FieldDef<T> {
  readonly kind: FieldKind;
  readonly default: T;
  readonly description: string;
}

export interface FieldSpec {
  readonly name: FieldName;
  readonly kind: FieldKind;
  readonly default: unknown;
  readonly description: string;
  readonly scope: FieldScope;
  /** `TSNENC__<UPPER_SNAKE>`, e.g. maxRetries → TSNENC__MAX_RETRIES. */
  readonly envVar: string;
}

const str = (def: string, description: string): FieldDef<string> => ({
  kind: { type: "string" },
  default: def,
  description,
});
const int = (def: number, min: number, description: string): FieldDef<number> => ({
  kind: { type: "number", integer: true, min },
  default: def,
  description,
});
const bool = (def: boolean, description: string): FieldDef<boolean> => ({
  kind: { type: "boolean" },
  default: def,
  description,
});
const oneOf = <const V extends readonly string[]>(
  values: V,
  def: V[number],
  description: string,
): FieldDef<V[number]> => ({ kind: { type: "enum", values }, default: def, description });
const strings = (description: string): FieldDef<readonly string[]> => ({
  kind: { type: "stringList" },
  default: [],
  description,
});

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;

const APP_FIELDS: { readonly [K in AppFieldName]: FieldDef<AppScopeValues[K]> } = {
  appId: str("tsnenc", "the app's id; isolates its data in a shared backend"),
  // Checked against the backend registry when the app is built (backends/create-backend.ts).
  backend: {
    kind: { type: "string" },
    default: "sqlite",
    description: `broker, orchestrator, state backend, trigger and data store backend: ${BUILTIN_BACKEND_NAMES.join(", ")}, or a name given to registerBackend() (sqlite: .tsnenc/tsnenc.db under the working directory unless sqlitePath is set)`,
  },
  sqlitePath: str("", "SQLite database file (backend sqlite)"),
  redisUrl: str("", "Redis connection URL (backend redis)"),
  postgresUrl: str(
    "",
    "PostgreSQL connection URL; refused when set, until a backend named postgres exists (none ships in this version)",
  ),
  broker: str(
    "",
    "override of the broker alone; empty = the backend's broker (the only value accepted: no other broker ships in this version)",
  ),
  rabbitmqUrl: str(
    "",
    "RabbitMQ connection URL; refused when set (no RabbitMQ broker ships in this version)",
  ),
  runner: oneOf(
    RUNNER_CONFIG_VALUES,
    "",
    "runner class name; empty = not configured: the app's runner is the one this process runs, else an ExternalRunner placeholder, and `tsnenc runner start` starts an AsyncRunner",
  ),
  maxConcurrency: int(50, 1, "invocations an AsyncRunner (or each MultiProcessRunner child) runs at once"),
  minProcesses: int(1, 1, "MultiProcessRunner only: child processes it keeps at least"),
  maxProcesses: int(0, 0, "MultiProcessRunner only: most child processes; 0 = CPU count"),
  maxRunningProcesses: int(
    0,
    0,
    "ProcessRunner only: most invocations running at once, one child process each; 0 = CPU count",
  ),
  idleTimeoutProcessMs: int(
    4_000,
    0,
    "MultiProcessRunner only: a child idle this long is stopped (down to minProcesses)",
  ),
  numProcesses: int(0, 0, "PersistentProcessRunner only: child processes; 0 = CPU count"),
  processConcurrency: int(1, 1, "PersistentProcessRunner only: invocations each child runs at once"),
  numThreads: int(0, 0, "ThreadRunner only: worker threads; 0 = CPU count"),
  threadConcurrency: int(1, 1, "ThreadRunner only: invocations each thread runs at once"),
  runnerConsideredDeadAfterMs: int(20_000, 1, "heartbeat age after which a runner's work is recovered"),
  runnerHeartbeatIntervalMs: int(5_000, 1, "how often a runner reports its heartbeat"),
  invocationLeaseMs: int(30_000, 1, "how long a runner owns an invocation without renewing it"),
  runnerIdlePollMs: int(
    1_000,
    1,
    "idle runner wait before re-checking for work when the backend cannot push",
  ),
  resultWaitSafetyPollMs: int(
    2_000,
    1,
    "waiters re-check statuses this often in case a notification was missed",
  ),
  loggingLevel: oneOf(LOGGING_LEVELS, "info", "minimum level of log records"),
  logFormat: oneOf(LOG_FORMATS, "text", "log record format"),
  logStream: oneOf(LOG_STREAMS, "stderr", "stream the logs are written to"),
  devModeForceSyncTasks: bool(false, "run tasks inline in the caller, no runner needed"),
  serializer: oneOf(SERIALIZERS, "json", "argument and result serializer (json = tagged JSON)"),
  finalInvocationRetentionMs: int(SEVEN_DAYS_MS, 0, "how long finished invocations are kept; 0 = forever"),
  globalServiceIntervalMs: int(
    5_000,
    1,
    "how often one runner (under a lease) recovers dead runners' work and deletes expired invocations",
  ),
  minSizeToCache: int(1024, 0, "serialized values at least this long go to the client data store"),
  maxSizeToCache: int(0, 0, "serialized values longer than this are not cached; 0 = no max"),
  localCacheSize: int(1024, 0, "entries of the in-process client data cache"),
  disableClientDataStore: bool(false, "store every argument inline, never in the client data store"),
  triggerTaskModules: strings(
    "modules a runner imports at start so the tasks and triggers they declare are registered",
  ),
};

const TASK_FIELDS: { readonly [K in TaskFieldName]: FieldDef<TaskConfigValues[K]> } = {
  maxRetries: int(0, 0, "retries after a retriable error; 0 = none"),
  retryFor: {
    kind: { type: "errorClassList" },
    default: [],
    description: "error classes (or class names) that trigger a retry, besides RetryError",
  },
  retryDelayMs: int(0, 0, "delay before the first retry"),
  retryBackoffFactor: {
    kind: { type: "number", min: 1 },
    default: 1,
    description: "retry delay = retryDelayMs * factor^(attempt-1)",
  },
  retryMaxDelayMs: int(0, 0, "upper bound of the retry delay; 0 = no max"),
  runningConcurrency: oneOf(CONCURRENCY_CONTROL_MODES, "disabled", "limit on invocations running at once"),
  registrationConcurrency: oneOf(CONCURRENCY_CONTROL_MODES, "disabled", "deduplication at registration"),
  concurrencyLimit: int(1, 1, "invocations allowed at once per concurrency key"),
  keyArguments: strings("argument names (or positional indices) forming the concurrency key"),
  onDiffNonKeyArgsRaise: bool(false, "raise when a registration matches on keys but not other arguments"),
  rerouteOnConcurrencyControl: bool(true, "reroute instead of failing when running concurrency blocks"),
  disableCacheArgs: strings("arguments never stored in the client data store"),
  forceNewWorkflow: bool(false, "start a new workflow instead of joining the caller's"),
  parallelBatchSize: int(100, 0, "invocations registered per batch by parallelize"),
};

/** maxRetries → MAX_RETRIES */
export function upperSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

export const ENV_PREFIX = "TSNENC__";
export const ENV_FILEPATH = "TSNENC__FILEPATH";
export const ENV_TASK_PREFIX = "TSNENC__TASK__";

export function envVarName(name: string): string {
  return `${ENV_PREFIX}${upperSnake(name)}`;
}

/** Task ids in env var names: upper-cased, every char outside [A-Z0-9] replaced by `_`. */
export function normalizeTaskId(taskId: string): string {
  return taskId.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

function toSpecs(defs: Record<string, FieldDef<unknown>>, scope: FieldScope): FieldSpec[] {
  return Object.entries(defs).map(([name, def]) => ({
    ...def,
    default: Array.isArray(def.default) ? Object.freeze([...def.default]) : def.default,
    name: name as FieldName,
    scope,
    envVar: envVarName(name),
  }));
}

/** Every field, app fields first, in declaration order. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  ...toSpecs(APP_FIELDS, "app"),
  ...toSpecs(TASK_FIELDS, "task"),
];
export const TASK_FIELD_SPECS: readonly FieldSpec[] = FIELD_SPECS.filter((s) => s.scope === "task");

const BY_NAME = new Map<string, FieldSpec>(FIELD_SPECS.map((s) => [s.name, s]));
const BY_ENV = new Map<string, FieldSpec>(FIELD_SPECS.map((s) => [upperSnake(s.name), s]));

export function fieldSpec(name: string): FieldSpec | undefined {
  return BY_NAME.get(name);
}

/** The field of an env var name without prefix, e.g. "MAX_RETRIES". */
export function fieldSpecByEnvSuffix(suffix: string): FieldSpec | undefined {
  return BY_ENV.get(suffix);
}

export function isFieldName(name: string): name is FieldName {
  return BY_NAME.has(name);
}

export function isTaskFieldName(name: string): name is TaskFieldName {
  return BY_NAME.get(name)?.scope === "task";
}

/** A hint for a mistyped key, e.g. "max_retries" → "maxRetries". */
export function suggestField(key: string, scope?: FieldScope): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = squash(key);
  return FIELD_SPECS.find((s) => (scope === undefined || s.scope === scope) && squash(s.name) === wanted)
    ?.name;
}
