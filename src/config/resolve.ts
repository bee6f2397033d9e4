import { ConfigError } from "../errors/errors.js";
import { type FieldName, type FieldSpec, fieldSpec } from "./fields.js";
import { checkValue, type ValueLocation } from "./parse-value.js";
import type { ConfigSource, SourceEntry, SourceLayer } from "./sources.js";

/** One row of `describe()`, for `tsnenc config show`. */
export interface ConfigFieldDescription {
  field: FieldName;
  value: unknown;
  source: ConfigSource;
  description: string;
  scope: "app" | "task";
  envVar: string;
}

/**
 * The value of a field from layers ordered lowest priority first: within a layer the
 * task-specific value (when `taskKey` is given) beats the app-level one; no value → default.
 */
export function resolveField(spec: FieldSpec, layers: readonly SourceLayer[], taskKey?: string): SourceEntry {
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!layer) continue;
    if (taskKey !== undefined) {
      const own = layer.tasks.get(taskKey)?.get(spec.name);
      if (own) return own;
    }
    const shared = layer.app.get(spec.name);
    if (shared) return shared;
  }
  return { value: spec.default, source: { tier: "default" } };
}

/** The spec of a field a caller names, refusing unknown names and (optionally) app-level ones. */
export function requireField(name: string, taskOnly = false): FieldSpec {
  const spec = fieldSpec(name);
  if (!spec) throw new ConfigError(name, "unknown config field");
  if (taskOnly && spec.scope !== "task") {
    throw new ConfigError(name, "is an app-level setting, not a task setting");
  }
  return spec;
}

/** Validates a run-time assignment and returns its entry. */
export function runtimeEntry(spec: FieldSpec, value: unknown, detail: string): SourceEntry {
  const loc: ValueLocation = { key: spec.name, where: `run-time assignment on ${detail}`, fromCode: true };
  return { value: checkValue(spec, value, loc), source: { tier: "runtime", detail } };
}

export function describeField(spec: FieldSpec, entry: SourceEntry): ConfigFieldDescription {
  return {
    field: spec.name,
    value: entry.value,
    source: entry.source,
    description: spec.description,
    scope: spec.scope,
    envVar: spec.envVar,
  };
}
