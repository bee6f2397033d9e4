import { type AppConfigValues, FIELD_SPECS, type FieldName, normalizeTaskId } from "./fields.js";
import {
  type ConfigFieldDescription,
  describeField,
  requireField,
  resolveField,
  runtimeEntry,
} from "./resolve.js";
import {
  type ConfigSource,
  type ConfigSources,
  layerFromObject,
  type SourceEntry,
  type SourceLayer,
} from "./sources.js";
import { type AppRuntimeLookup, TaskConfig, taskCodeEntries } from "./task-config.js";

/**
 * The resolved config of an app. Priority, lowest first: default < code < package.json "tsnenc"
 * < tsnenc.config.* < TSNENC__FILEPATH file < env < run-time assignment. Every app and task field
 * is a typed get/set property (`conf.maxConcurrency = 10`); task fields here are the defaults of
 * every task, and a run-time assignment of one is seen by every task config, old and new.
 */
export interface AppConfig extends AppConfigValues {}
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface types the field accessors defined on the prototype below
export class AppConfig implements AppRuntimeLookup {
  readonly sources: ConfigSources;
  readonly #codeLayer: SourceLayer;
  readonly #resolved = new Map<FieldName, SourceEntry>();
  readonly #runtime = new Map<FieldName, SourceEntry>();
  readonly #guards: Array<(field: FieldName) => void> = [];

  /**
   * `codeValues`: the values given to the app constructor / builder (camelCase fields, optionally
   * `task: { "<taskId>": { field: value } }`); undefined values are ignored.
   */
  constructor(codeValues: Record<string, unknown>, sources: ConfigSources) {
    this.sources = sources;
    this.#codeLayer = layerFromObject(codeValues, "code", "app options", { fromCode: true });
    const layers = [this.#codeLayer, ...sources.layers];
    for (const spec of FIELD_SPECS) this.#resolved.set(spec.name, resolveField(spec, layers));
  }

  static {
    for (const spec of FIELD_SPECS) {
      Object.defineProperty(AppConfig.prototype, spec.name, {
        get(this: AppConfig) {
          return this.#entry(spec.name).value;
        },
        set(this: AppConfig, value: unknown) {
          this.#assign(spec.name, value);
        },
        enumerable: true,
        configurable: true,
      });
    }
  }

  #entry(field: FieldName): SourceEntry {
    return this.#runtime.get(field) ?? this.#resolved.get(field) ?? this.#fallback(field);
  }

  #fallback(field: string): SourceEntry {
    const spec = requireField(field);
    return { value: spec.default, source: { tier: "default" } };
  }

  #assign(field: string, value: unknown): void {
    const spec = requireField(field);
    const before = this.#runtime.get(spec.name);
    this.#runtime.set(spec.name, runtimeEntry(spec, value, "app conf"));
    try {
      for (const guard of this.#guards) guard(spec.name);
    } catch (error) {
      if (before) this.#runtime.set(spec.name, before);
      else this.#runtime.delete(spec.name);
      throw error;
    }
  }

  /**
   * Adds a check of run-time assignments: it runs after the new value is in place and may throw
   * (a ConfigError naming the field) to refuse it, which puts the previous value back.
   */
  guardAssignments(guard: (field: FieldName) => void): void {
    this.#guards.push(guard);
  }

  get<K extends FieldName>(field: K): AppConfigValues[K] {
    return this.#entry(requireField(field).name).value as AppConfigValues[K];
  }

  /** Run-time assignment: validated (ConfigError naming the field), wins over every source. */
  set<K extends FieldName>(field: K, value: AppConfigValues[K]): void {
    this.#assign(field, value);
  }

  /** Drops a run-time assignment, going back to the value of the sources. */
  reset(field: FieldName): void {
    this.#runtime.delete(requireField(field).name);
  }

  /** Where the current value of a field comes from (for task fields: the app-level value). */
  sourceOf(field: FieldName): ConfigSource {
    return this.#entry(requireField(field).name).source;
  }

  /** Every field with its value, source, description and scope, for `tsnenc config show`. */
  describe(): ConfigFieldDescription[] {
    return FIELD_SPECS.map((spec) => describeField(spec, this.#entry(spec.name)));
  }

  /** The current value of every field. */
  snapshot(): AppConfigValues {
    const out: Record<string, unknown> = {};
    for (const spec of FIELD_SPECS) out[spec.name] = this.#entry(spec.name).value;
    return out as unknown as AppConfigValues;
  }

  /** The run-time assignments made so far (e.g. to pass on to a child process). */
  runtimeValues(): Partial<AppConfigValues> {
    const out: Record<string, unknown> = {};
    for (const [name, entry] of this.#runtime) out[name] = entry.value;
    return out as Partial<AppConfigValues>;
  }

  /** @internal The run-time assignment of a field on the app config, if any (read by task configs). */
  runtimeEntry(field: FieldName): SourceEntry | undefined {
    return this.#runtime.get(field);
  }

  /**
   * The config of one task: its code options (task fields only; unknown options → ConfigError
   * naming the task and the option) above the app's code values, then every source tier.
   */
  taskConfig(taskId: string, taskCodeOptions: Record<string, unknown> = {}): TaskConfig {
    const taskKey = normalizeTaskId(taskId);
    const own = taskCodeEntries(taskId, taskCodeOptions);
    const merged = new Map([...(this.#codeLayer.tasks.get(taskKey) ?? []), ...own]);
    const tasks = new Map(this.#codeLayer.tasks);
    tasks.set(taskKey, merged);
    const codeLayer: SourceLayer = { tier: "code", app: this.#codeLayer.app, tasks };
    return new TaskConfig(taskId, [codeLayer, ...this.sources.layers], this);
  }
}

/** Resolves the config of an app from its code values and the loaded sources. */
export function createAppConfig(codeValues: Record<string, unknown>, sources: ConfigSources): AppConfig {
  return new AppConfig(codeValues, sources);
}
