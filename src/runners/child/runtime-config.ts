import { isFieldName } from "../../config/fields.js";
import type { AppCore } from "../../engine/app-core.js";

/**
 * The run-time config assignments of a parent's app, as JSON-safe values, so a child's app
 * (built by importing the same module) ends up with the same config: error classes in lists
 * are passed by name, which the config accepts.
 */
export function runtimeConfigOf(app: AppCore): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(app.conf.runtimeValues())) {
    out[name] = Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === "function" ? item.name : item))
      : value;
  }
  return out;
}

/** Applies a parent's run-time config assignments to a child's app (each validated by the config). */
export function applyRuntimeConfig(app: AppCore, values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    if (isFieldName(name)) app.conf.set(name, value as never);
  }
}
