import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join, resolve } from "node:path";
import { ConfigError } from "../errors/errors.js";
import {
  ENV_FILEPATH,
  ENV_PREFIX,
  ENV_TASK_PREFIX,
  type FieldName,
  type FieldSpec,
  fieldSpec,
  fieldSpecByEnvSuffix,
  normalizeTaskId,
  suggestField,
} from "./fields.js";
import { checkValue, parseEnvValue } from "./parse-value.js";

/** Where a resolved value came from, lowest priority first. */
export type SourceTier = "default" | "code" | "package.json" | "file" | "env-file" | "env" | "runtime";

export interface ConfigSource {
  readonly tier: SourceTier;
  /** file path, env var name, or which code/run-time object set it */
  readonly detail?: string;
}

export interface SourceEntry {
  readonly value: unknown;
  readonly source: ConfigSource;
}

/** The values of one source: app-level ones and task-specific ones (keyed by normalised task id). */
export interface SourceLayer {
  readonly tier: SourceTier;
  readonly app: ReadonlyMap<FieldName, SourceEntry>;
  readonly tasks: ReadonlyMap<string, ReadonlyMap<FieldName, SourceEntry>>;
}

/** Everything read from files and env, once, lowest priority first. Pass to createAppConfig. */
export interface ConfigSources {
  readonly cwd: string;
  readonly layers: readonly SourceLayer[];
}

export interface LoadConfigSourcesOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const CONFIG_FILE_NAMES = [
  "tsnenc.config.json",
  "tsnenc.config.yaml",
  "tsnenc.config.yml",
  "tsnenc.config.toml",
] as const;

type MutableLayer = {
  tier: SourceTier;
  app: Map<FieldName, SourceEntry>;
  tasks: Map<string, Map<FieldName, SourceEntry>>;
};

function newLayer(tier: SourceTier): MutableLayer {
  return { tier, app: new Map(), tasks: new Map() };
}

function taskMap(layer: MutableLayer, normalizedId: string): Map<FieldName, SourceEntry> {
  let map = layer.tasks.get(normalizedId);
  if (!map) {
    map = new Map();
    layer.tasks.set(normalizedId, map);
  }
  return map;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKey(key: string, where: string, name: string, scope?: "task"): ConfigError {
  const hint = suggestField(name, scope);
  const known = scope === "task" ? "known task field" : "known field";
  return new ConfigError(
    key,
    `unknown config key in ${where}${hint ? `; did you mean '${hint}'?` : `; not a ${known}`}`,
  );
}

function appScopePerTask(key: string, spec: FieldSpec, where: string): ConfigError {
  return new ConfigError(
    key,
    `'${spec.name}' is an app-level setting and cannot be set per task (in ${where})`,
  );
}

/**
 * Builds a layer from the object of a config file or the "tsnenc" key of package.json:
 * fields at the top level, task-specific values under `task: { "<taskId>": { field: value } }`.
 */
export function layerFromObject(
  data: unknown,
  tier: SourceTier,
  path: string,
  options: { where?: string; fromCode?: boolean } = {},
): SourceLayer {
  const where = options.where ?? path;
  const fromCode = options.fromCode ?? false;
  const layer = newLayer(tier);
  if (data === null || data === undefined) return layer;
  if (!isPlainObject(data)) throw new ConfigError(where, "expected an object of config fields");
  const source: ConfigSource = { tier, detail: path };
  for (const [key, value] of Object.entries(data)) {
    if (fromCode && value === undefined) continue;
    if (key === "task") {
      if (!isPlainObject(value))
        throw new ConfigError("task", `expected an object of task ids (in ${where})`);
      const seen = new Map<string, string>();
      for (const [taskId, taskValues] of Object.entries(value)) {
        const prefix = `task.${taskId}`;
        if (!isPlainObject(taskValues))
          throw new ConfigError(prefix, `expected an object of fields (in ${where})`);
        const normalized = normalizeTaskId(taskId);
        const other = seen.get(normalized);
        if (other !== undefined) {
          throw new ConfigError(
            prefix,
            `task ids '${other}' and '${taskId}' are the same once normalised (in ${where})`,
          );
        }
        seen.set(normalized, taskId);
        const map = taskMap(layer, normalized);
        for (const [name, fieldValue] of Object.entries(taskValues)) {
          if (fromCode && fieldValue === undefined) continue;
          const fullKey = `${prefix}.${name}`;
          const spec = fieldSpec(name);
          if (!spec) throw unknownKey(fullKey, where, name, "task");
          if (spec.scope !== "task") throw appScopePerTask(fullKey, spec, where);
          map.set(spec.name, {
            value: checkValue(spec, fieldValue, { key: fullKey, where, fromCode }),
            source,
          });
        }
      }
      continue;
    }
    const spec = fieldSpec(key);
    if (!spec) throw unknownKey(key, where, key);
    layer.app.set(spec.name, { value: checkValue(spec, value, { key, where, fromCode }), source });
  }
  return layer;
}

/** Builds the env layer from `TSNENC__<FIELD>` and `TSNENC__TASK__<TASK_ID>__<FIELD>`. */
export function layerFromEnv(env: NodeJS.ProcessEnv): SourceLayer {
  const layer = newLayer("env");
  const where = "environment variable";
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!name.startsWith(ENV_PREFIX) || name === ENV_FILEPATH || raw === undefined) continue;
    const source: ConfigSource = { tier: "env", detail: name };
    if (name.startsWith(ENV_TASK_PREFIX)) {
      const rest = name.slice(ENV_TASK_PREFIX.length);
      const cut = rest.lastIndexOf("__");
      const taskKey = cut > 0 ? normalizeTaskId(rest.slice(0, cut)) : "";
      const spec = cut > 0 ? fieldSpecByEnvSuffix(rest.slice(cut + 2)) : undefined;
      if (!spec) {
        throw new ConfigError(
          name,
          `unknown environment variable; task-specific ones are ${ENV_TASK_PREFIX}<TASK_ID>__<FIELD>`,
        );
      }
      if (spec.scope !== "task") throw appScopePerTask(name, spec, where);
      taskMap(layer, taskKey).set(spec.name, {
        value: parseEnvValue(spec, raw, { key: name, where }),
        source,
      });
      continue;
    }
    const spec = fieldSpecByEnvSuffix(name.slice(ENV_PREFIX.length));
    if (!spec) throw new ConfigError(name, `unknown environment variable; no config field matches it`);
    layer.app.set(spec.name, { value: parseEnvValue(spec, raw, { key: name, where }), source });
  }
  return layer;
}

const requireParser = createRequire(import.meta.url);

/** Parses a json, yaml, yml or toml file by its extension. `key` names the setting that chose it. */
export function readConfigFile(path: string, key: string): unknown {
  const ext = extname(path).toLowerCase();
  if (![".json", ".yaml", ".yml", ".toml"].includes(ext)) {
    throw new ConfigError(
      key,
      `unsupported config file type '${ext}' (${path}); use .json, .yaml, .yml or .toml`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(key, `cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    if (ext === ".json") return JSON.parse(text);
    // Loaded on first use: most processes (every runner child) never read a YAML or TOML file.
    if (ext === ".toml") return (requireParser("smol-toml") as typeof import("smol-toml")).parse(text);
    return (requireParser("yaml") as typeof import("yaml")).parse(text);
  } catch (err) {
    throw new ConfigError(key, `cannot parse config file ${path}: ${(err as Error).message}`);
  }
}

function packageJsonLayer(cwd: string): SourceLayer | undefined {
  const path = join(cwd, "package.json");
  if (!existsSync(path)) return undefined;
  const pkg = readConfigFile(path, "package.json");
  if (!isPlainObject(pkg) || pkg.tsnenc === undefined) return undefined;
  return layerFromObject(pkg.tsnenc, "package.json", path, { where: `${path} ("tsnenc" key)` });
}

/** Reads package.json, the tsnenc.config.* file, the TSNENC__FILEPATH file and env, once. */
export function loadConfigSources(options: LoadConfigSourcesOptions = {}): ConfigSources {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const layers: SourceLayer[] = [];
  const pkg = packageJsonLayer(cwd);
  if (pkg) layers.push(pkg);
  const localFile = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).find((path) => existsSync(path));
  if (localFile) layers.push(layerFromObject(readConfigFile(localFile, localFile), "file", localFile));
  const envFile = env[ENV_FILEPATH];
  if (envFile !== undefined && envFile !== "") {
    const path = resolve(cwd, envFile);
    if (!existsSync(path)) {
      throw new ConfigError(ENV_FILEPATH, `config file ${path} does not exist`);
    }
    layers.push(layerFromObject(readConfigFile(path, ENV_FILEPATH), "env-file", path));
  }
  layers.push(layerFromEnv(env));
  return { cwd, layers };
}
