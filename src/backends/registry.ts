import { resolve } from "node:path";
import { ConfigError } from "../errors/errors.js";
import { type BackendDefinition, defineBackend } from "./definition.js";
import { createMemoryBackend } from "./memory/index.js";
import type { BuiltinBackendName } from "./names.js";
import { createRedisBackend } from "./redis/index.js";
import { createSqliteBackend, defaultSqlitePath } from "./sqlite/index.js";

/**
 * The registry of backends: config `backend` names one of these. Importing an implementation
 * here loads no driver: better-sqlite3 and ioredis are required on first use by the backend
 * that needs them (`sqlite/connection.ts`, `redis/connection.ts`).
 */
const BUILTIN_BACKENDS: { readonly [K in BuiltinBackendName]: BackendDefinition } = {
  memory: {
    name: "memory",
    capabilities: { sharedAcrossProcesses: false, pushesWakeups: true },
    create: ({ appId }) => createMemoryBackend({ appId }),
  },
  sqlite: {
    name: "sqlite",
    capabilities: { sharedAcrossProcesses: true, pushesWakeups: false },
    // The file is found from the app's working directory (`environment.cwd`), like its config files.
    create: ({ appId, config, cwd }) =>
      createSqliteBackend({ appId, path: sqliteFile(config.sqlitePath, cwd) }),
  },
  redis: {
    name: "redis",
    capabilities: { sharedAcrossProcesses: true, pushesWakeups: true },
    create: ({ appId, config }) =>
      createRedisBackend({ appId, url: config.redisUrl || "redis://127.0.0.1:6379" }),
  },
};

/**
 * Names that config files and older docs use for backends this version does not have, with
 * the reason given when one is configured. A definition registered under such a name wins.
 */
export const PLANNED_BACKENDS: Readonly<Record<string, string>> = {
  postgres: "the PostgreSQL backend does not exist in this version of tsnenc",
};

const registry = new Map<string, BackendDefinition>(Object.entries(BUILTIN_BACKENDS));

/**
 * Registers a backend under its name, so config `backend` (in code, files or the environment)
 * can select it. Register it in the module that creates the app, before the app is built: a
 * runner's child processes import that module, and so register it too. Refuses a name already
 * registered, in any case (built-in names included), with a ConfigError naming `backend`;
 * registering the same definition again does nothing.
 */
export function registerBackend(definition: BackendDefinition): void {
  const checked = defineBackend(definition);
  const existing = findBackend(checked.name);
  if (existing === checked) return;
  if (existing) {
    throw new ConfigError(
      "backend",
      `a backend named '${existing.name}' is already registered (names are compared ignoring case)`,
    );
  }
  registry.set(checked.name, checked);
}

/** The registered backend of this name (or, failing that, of this name in another case), if any. */
export function findBackend(name: string): BackendDefinition | undefined {
  const exact = registry.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [key, definition] of registry) if (key.toLowerCase() === lower) return definition;
  return undefined;
}

/** The names config `backend` accepts now: the built-in backends, then registered ones. */
export function backendNames(): string[] {
  return [...registry.keys()];
}

/** Removes a registered backend (names compared ignoring case); built-in backends stay. Whether one was removed. */
export function unregisterBackend(name: string): boolean {
  const definition = findBackend(name);
  if (!definition || Object.hasOwn(BUILTIN_BACKENDS, definition.name)) return false;
  return registry.delete(definition.name);
}

/** `sqlitePath` resolved against `cwd` (`.tsnenc/tsnenc.db` there when empty; `:memory:` as is). */
function sqliteFile(sqlitePath: string, cwd: string): string {
  if (sqlitePath === ":memory:") return sqlitePath;
  return resolve(cwd, sqlitePath || defaultSqlitePath(cwd));
}
