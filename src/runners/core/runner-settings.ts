import { availableParallelism } from "node:os";
import type { AppFieldName } from "../../config/fields.js";
import type { AppCore } from "../../engine/app-core.js";
import { ConfigError } from "../../errors/errors.js";

/** The runner classes whose sizing has config fields of its own. */
export type RunnerKind =
  | "AsyncRunner"
  | "ThreadRunner"
  | "ProcessRunner"
  | "PersistentProcessRunner"
  | "MultiProcessRunner";

/** Config fields that size one runner kind, and the kind each applies to. */
export const RUNNER_KIND_FIELDS = {
  numThreads: "ThreadRunner",
  threadConcurrency: "ThreadRunner",
  numProcesses: "PersistentProcessRunner",
  processConcurrency: "PersistentProcessRunner",
  minProcesses: "MultiProcessRunner",
  maxProcesses: "MultiProcessRunner",
  idleTimeoutProcessMs: "MultiProcessRunner",
  maxRunningProcesses: "ProcessRunner",
} as const satisfies Partial<Record<AppFieldName, RunnerKind>>;

export type RunnerKindField = keyof typeof RUNNER_KIND_FIELDS;

/** Option keys every runner takes. */
const COMMON_OPTIONS = ["runnerContext", "handleSignals"] as const;
/** Option keys of runners that start children. */
const SPAWNING_OPTIONS = ["appModule", "stopGraceMs"] as const;

/** The option keys of each runner kind (their option types say the same at compile time). */
export const RUNNER_OPTION_KEYS: Readonly<Record<RunnerKind, readonly string[]>> = {
  AsyncRunner: [...COMMON_OPTIONS, "maxConcurrency"],
  ThreadRunner: [...COMMON_OPTIONS, ...SPAWNING_OPTIONS, "numThreads", "concurrency"],
  PersistentProcessRunner: [...COMMON_OPTIONS, ...SPAWNING_OPTIONS, "env", "numProcesses", "concurrency"],
  MultiProcessRunner: [
    ...COMMON_OPTIONS,
    ...SPAWNING_OPTIONS,
    "env",
    "minProcesses",
    "maxProcesses",
    "idleTimeoutProcessMs",
    "maxConcurrency",
  ],
  // No stopGraceMs: a ProcessRunner kills its children at once when it stops.
  ProcessRunner: [...COMMON_OPTIONS, "appModule", "env", "maxRunningProcesses", "warmProcesses"],
};

/** The least value of each numeric option (all are integers; sizes of 0 mean "CPU count"). */
const OPTION_MINIMUM: Readonly<Record<string, number>> = {
  maxConcurrency: 1,
  concurrency: 1,
  numThreads: 0,
  numProcesses: 0,
  minProcesses: 1,
  maxProcesses: 0,
  maxRunningProcesses: 0,
  idleTimeoutProcessMs: 0,
  warmProcesses: 1,
  stopGraceMs: 0,
};

/** Names a user of the old ProcessRunner option may still reach for. */
const RENAMED: Readonly<Partial<Record<RunnerKind, Readonly<Record<string, string>>>>> = {
  ProcessRunner: { maxProcesses: "maxRunningProcesses" },
};

/** Every option key some runner kind takes (a key none takes is a subclass's own: not checked). */
const KNOWN_OPTION_KEYS = new Set(Object.values(RUNNER_OPTION_KEYS).flat());

/**
 * Refuses what does not apply to the runner of kind `kind` being built, each time with a
 * ConfigError naming the key, the value, this runner and what is allowed:
 * - an option of another runner kind, or a sizing option that is not an integer in range;
 * - a runner-kind config field of another kind set for this app in code or at run time, or set
 *   anywhere while the config's sources name `kind` as config `runner` (the config contradicts
 *   itself). Set only in a shared file or the environment otherwise, it is logged and ignored:
 *   one config file may size several runner kinds (`runner start --runner`, a test harness).
 * A worker of another runner (its context has a parent) is sized by that runner, so the app's
 * runner-kind fields are not checked for it.
 */
export function refuseForeignSettings(
  app: AppCore,
  kind: RunnerKind,
  options: object,
  isWorker = false,
): void {
  const allowed = RUNNER_OPTION_KEYS[kind];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (allowed.includes(key)) {
      checkOptionValue(kind, key, value);
      continue;
    }
    if (!KNOWN_OPTION_KEYS.has(key)) continue;
    const owners = (Object.keys(RUNNER_OPTION_KEYS) as RunnerKind[]).filter((k) =>
      RUNNER_OPTION_KEYS[k].includes(key),
    );
    const renamed = RENAMED[kind]?.[key];
    throw new ConfigError(
      key,
      `${show(value)} does not apply to ${kind} (it applies to ${owners.join(", ")})` +
        `${renamed ? `; ${kind}'s option is ${renamed}` : ""}; ${kind} takes ${allowed.join(", ")}`,
    );
  }
  if (!isWorker) checkConfigFields(app, kind);
}

function checkOptionValue(kind: RunnerKind, key: string, value: unknown): void {
  const minimum = OPTION_MINIMUM[key];
  if (minimum === undefined) return;
  if (typeof value === "number" && Number.isInteger(value) && value >= minimum) return;
  throw new ConfigError(key, `${kind} option ${show(value)} is not allowed: an integer >= ${minimum} is`);
}

function checkConfigFields(app: AppCore, kind: RunnerKind): void {
  // The runner named by the config's sources; a run-time choice (`tsnenc runner start --runner`)
  // picks one of the runners a shared config may size, so it does not make the others' fields wrong.
  const configuredRunner = app.conf.sourceOf("runner").tier === "runtime" ? "" : app.conf.get("runner");
  for (const [field, owner] of Object.entries(RUNNER_KIND_FIELDS) as Array<[RunnerKindField, RunnerKind]>) {
    if (owner === kind) continue;
    const source = app.conf.sourceOf(field);
    if (source.tier === "default") continue;
    const from = source.detail ? `${source.tier}: ${source.detail}` : source.tier;
    const renamed = RENAMED[kind]?.[field];
    const message =
      `${show(app.conf.get(field))} (from ${from}) applies to ${owner} only, and the runner being built is ${kind}` +
      `${renamed ? ` (${kind}'s field is ${renamed})` : ""}`;
    const explicit = source.tier === "code" || source.tier === "runtime" || configuredRunner === kind;
    if (explicit) throw new ConfigError(field, `${message}; remove it, or run a ${owner}`);
    app.logger.warn(`config '${field}': ${message}; ignored`);
  }
}

/** A runner-kind setting: the option when given, else the app's config field. */
export function runnerSetting(app: AppCore, field: RunnerKindField, option: number | undefined): number {
  return option ?? app.conf.get(field);
}

/** `value`, or the machine's CPU count when it is 0 ("as many as CPUs"). */
export function orCpuCount(value: number): number {
  return value > 0 ? value : Math.max(1, availableParallelism());
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
