import { availableParallelism } from "node:os";
import type { AppScopeValues } from "../../config/fields.js";
import { fieldSpec, isFieldName } from "../../config/fields.js";
import type { AppCore } from "../../engine/app-core.js";

/**
 * The config of an app as runners that start children read it. `AppCore` does not expose the
 * config, so it is read from the app's `conf` when present (a `Tsnenc` has one).
 */
interface ConfigView {
  get?(field: string): unknown;
  set?(field: string, value: unknown): void;
  runtimeValues?(): Record<string, unknown>;
}

function configOf(app: AppCore): ConfigView | undefined {
  const conf: unknown = (app as { conf?: unknown }).conf;
  return typeof conf === "object" && conf !== null ? (conf as ConfigView) : undefined;
}

export type RunnerCountField = keyof Pick<
  AppScopeValues,
  | "minProcesses"
  | "maxProcesses"
  | "idleTimeoutProcessMs"
  | "numProcesses"
  | "processConcurrency"
  | "numThreads"
  | "threadConcurrency"
>;

/** A numeric runner setting of the app's config (its default when the app has no config). */
export function runnerSetting(app: AppCore, field: RunnerCountField): number {
  const value = configOf(app)?.get?.(field);
  if (typeof value === "number") return value;
  const fallback = fieldSpec(field)?.default;
  return typeof fallback === "number" ? fallback : 0;
}

/** `value`, or the machine's CPU count when it is 0 ("as many as CPUs"). */
export function orCpuCount(value: number): number {
  return value > 0 ? value : Math.max(1, availableParallelism());
}

/**
 * The run-time config assignments of the parent's app, as JSON-safe values, so a child's app
 * (built by importing the same module) ends up with the same config: error classes in lists
 * are passed by name, which the config accepts.
 */
export function runtimeConfigOf(app: AppCore): Record<string, unknown> {
  const values = configOf(app)?.runtimeValues?.() ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    out[name] = Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === "function" ? item.name : item))
      : value;
  }
  return out;
}

/** Applies a parent's run-time config assignments to a child's app. */
export function applyRuntimeConfig(app: AppCore, values: Record<string, unknown>): void {
  const conf = configOf(app);
  for (const [name, value] of Object.entries(values)) {
    if (isFieldName(name)) conf?.set?.(name, value);
  }
}
