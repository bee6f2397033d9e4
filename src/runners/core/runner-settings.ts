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
  ProcessRunner: [...COMMON_OPTIONS, ...SPAWNING_OPTIONS, "env", "maxRunningProcesses", "warmProcesses"],
};

/**
 * Refuses what does not apply to the runner of kind `kind` being built: a runner-kind config
 * field set explicitly (any source but the default) for another kind, and an option key that
 * is not one of `kind`'s. Each refusal is a ConfigError naming the key, the value, this
 * runner and the runner it applies to. A worker of another runner (its context has a parent)
 * is sized by that runner, so the app's runner-kind fields are not checked for it.
 */
export function refuseForeignSettings(
  app: AppCore,
  kind: RunnerKind,
  options: object,
  isWorker = false,
): void {
  const allowed = RUNNER_OPTION_KEYS[kind];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || allowed.includes(key)) continue;
    const owners = (Object.keys(RUNNER_OPTION_KEYS) as RunnerKind[]).filter((k) =>
      RUNNER_OPTION_KEYS[k].includes(key),
    );
    const where = owners.length > 0 ? `it applies to ${owners.join(", ")}` : "no runner takes it";
    throw new ConfigError(
      key,
      `option ${key}: ${show(value)} does not apply to ${kind} (${where}); ${kind} takes ${allowed.join(", ")}`,
    );
  }
  if (isWorker) return;
  for (const [field, owner] of Object.entries(RUNNER_KIND_FIELDS) as Array<[RunnerKindField, RunnerKind]>) {
    if (owner === kind) continue;
    const source = app.conf.sourceOf(field);
    if (source.tier === "default") continue;
    const from = source.detail ? `${source.tier}: ${source.detail}` : source.tier;
    throw new ConfigError(
      field,
      `${show(app.conf.get(field))} (from ${from}) applies to ${owner} only, and the runner being built is ${kind}; ` +
        `remove it, or run a ${owner}`,
    );
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
