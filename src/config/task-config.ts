import { ConfigError } from "../errors/errors.js";
import {
  type FieldName,
  fieldSpec,
  normalizeTaskId,
  suggestField,
  TASK_FIELD_SPECS,
  type TaskConfigValues,
  type TaskFieldName,
} from "./fields.js";
import { checkValue } from "./parse-value.js";
import {
  type ConfigFieldDescription,
  describeField,
  requireField,
  resolveField,
  runtimeEntry,
} from "./resolve.js";
import type { ConfigSource, SourceEntry, SourceLayer } from "./sources.js";

/** Gives a task config the run-time assignments made on the app config (read at every access). */
export interface AppRuntimeLookup {
  runtimeEntry(field: FieldName): SourceEntry | undefined;
}

/** Checks the config options a task was declared with; errors name the task and the option. */
export function taskCodeEntries(
  taskId: string,
  options: Record<string, unknown>,
): Map<FieldName, SourceEntry> {
  const entries = new Map<FieldName, SourceEntry>();
  const where = `task '${taskId}' options`;
  const source: ConfigSource = { tier: "code", detail: "task options" };
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const spec = fieldSpec(name);
    if (!spec) {
      const hint = suggestField(name, "task");
      throw new ConfigError(
        name,
        `task '${taskId}': unknown task option${hint ? `; did you mean '${hint}'?` : ""}`,
      );
    }
    if (spec.scope !== "task") {
      throw new ConfigError(
        name,
        `task '${taskId}': '${name}' is an app-level setting and cannot be set per task`,
      );
    }
    entries.set(spec.name, { value: checkValue(spec, value, { key: name, where, fromCode: true }), source });
  }
  return entries;
}

/**
 * The resolved config of one task. Priority, highest first: run-time assignment on this object,
 * run-time assignment on the app config, then each source tier (task-specific above app-level).
 * Every task field is a typed get/set property.
 */
export interface TaskConfig extends TaskConfigValues {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the field accessors defined on the prototype below
export class TaskConfig {
  readonly taskId: string;
  readonly #resolved = new Map<FieldName, SourceEntry>();
  readonly #runtime = new Map<FieldName, SourceEntry>();
  readonly #app: AppRuntimeLookup;

  /** `layers` are the code layer (with this task's options) and the loaded sources, lowest first. */
  constructor(taskId: string, layers: readonly SourceLayer[], app: AppRuntimeLookup) {
    this.taskId = taskId;
    this.#app = app;
    const taskKey = normalizeTaskId(taskId);
    for (const spec of TASK_FIELD_SPECS) this.#resolved.set(spec.name, resolveField(spec, layers, taskKey));
  }

  static {
    for (const spec of TASK_FIELD_SPECS) {
      Object.defineProperty(TaskConfig.prototype, spec.name, {
        get(this: TaskConfig) {
          return this.#entry(spec.name).value;
        },
        set(this: TaskConfig, value: unknown) {
          this.#assign(spec.name, value);
        },
        enumerable: true,
        configurable: true,
      });
    }
  }

  #entry(field: FieldName): SourceEntry {
    const entry = this.#runtime.get(field) ?? this.#app.runtimeEntry(field) ?? this.#resolved.get(field);
    if (!entry) throw new ConfigError(field, `task '${this.taskId}': not a task setting`);
    return entry;
  }

  #assign(field: string, value: unknown): void {
    const spec = requireField(field, true);
    this.#runtime.set(spec.name, runtimeEntry(spec, value, `task '${this.taskId}' conf`));
  }

  get<K extends TaskFieldName>(field: K): TaskConfigValues[K] {
    return this.#entry(requireField(field, true).name).value as TaskConfigValues[K];
  }

  /** Run-time assignment: validated, wins over every source for this task. */
  set<K extends TaskFieldName>(field: K, value: TaskConfigValues[K]): void {
    this.#assign(field, value);
  }

  /** Drops a run-time assignment made on this task config. */
  reset(field: TaskFieldName): void {
    this.#runtime.delete(requireField(field, true).name);
  }

  sourceOf(field: TaskFieldName): ConfigSource {
    return this.#entry(requireField(field, true).name).source;
  }

  describe(): ConfigFieldDescription[] {
    return TASK_FIELD_SPECS.map((spec) => describeField(spec, this.#entry(spec.name)));
  }

  /** The current value of every task field. */
  snapshot(): TaskConfigValues {
    const out: Record<string, unknown> = {};
    for (const spec of TASK_FIELD_SPECS) out[spec.name] = this.#entry(spec.name).value;
    return out as unknown as TaskConfigValues;
  }
}
