import type { AppConfigValues } from "../config/fields.js";
import { ConfigError } from "../errors/errors.js";
import type { Backend, BackendCapabilities } from "./contract/index.js";

/** What a backend definition's `create` receives: the app's id and its resolved config. */
export interface BackendCreateOptions {
  /** The app's id: everything the backend stores for this app is isolated under it. */
  readonly appId: string;
  /** The app's resolved config (connection fields such as `sqlitePath`, `redisUrl`). */
  readonly config: Readonly<AppConfigValues>;
  /**
   * The app's working directory (its `environment.cwd`, where its config files are read;
   * `process.cwd()` by default): relative file paths of the backend are resolved against it.
   */
  readonly cwd: string;
}

/**
 * A backend by name: its declared capabilities and the factory that opens it for one app.
 * Built-in backends are definitions in the registry (`registry.ts`); a user backend is one too,
 * given to the app in code (`new Tsnenc({ backend: definition })`) or registered by name with
 * `registerBackend(definition)`.
 */
export interface BackendDefinition {
  /** The value of config `backend` that selects it (letters, digits, `-`, `_`). */
  readonly name: string;
  /**
   * What the backend can do, readable without opening it (e.g. by a runner deciding whether it
   * may start children). The backend `create` returns must declare the same.
   */
  readonly capabilities: BackendCapabilities;
  /**
   * Opens the backend for one app: synchronous, and connecting lazily (on first use) is
   * expected. Called once per app, and again after `app.close()` if the app is used again.
   */
  create(options: BackendCreateOptions): Backend;
}

const NAME_RE = /^[A-Za-z0-9_-]+$/;

/** A capability the contract lists: each must be declared, true or false. */
const CAPABILITY_KEYS = ["sharedAcrossProcesses", "pushesWakeups"] as const satisfies ReadonlyArray<
  keyof BackendCapabilities
>;

/**
 * Checks a backend definition's shape and returns it (typed): a name config can carry,
 * every capability declared as a boolean, and a `create` function. ConfigError naming `backend`.
 */
export function defineBackend(definition: BackendDefinition): BackendDefinition {
  const { name, capabilities, create } = (definition ?? {}) as Partial<BackendDefinition>;
  if (typeof name !== "string" || !NAME_RE.test(name)) {
    throw new ConfigError(
      "backend",
      `a backend definition's name must be made of letters, digits, '-' and '_', got ${JSON.stringify(name)}`,
    );
  }
  for (const key of CAPABILITY_KEYS) {
    if (typeof capabilities?.[key] !== "boolean") {
      throw new ConfigError("backend", `backend '${name}' must declare capabilities.${key} (true or false)`);
    }
  }
  if (typeof create !== "function") {
    throw new ConfigError("backend", `backend '${name}' must have a create({ appId, config }) function`);
  }
  return definition;
}

/** Whether a value is an opened backend (the four contracts), rather than a definition or a name. */
export function isBackend(value: unknown): value is Backend {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Backend>;
  return (
    typeof candidate.orchestrator === "object" &&
    typeof candidate.broker === "object" &&
    typeof candidate.stateBackend === "object" &&
    typeof candidate.clientDataStore === "object"
  );
}

/**
 * The definition of a backend object given to an app in code: named by its `kind`, with its
 * own capabilities, and `create` returning that object (the app closes it in `app.close()`).
 */
export function definitionOfBackend(backend: Backend): BackendDefinition {
  return defineBackend({
    name: backend.kind,
    capabilities: backend.capabilities,
    create: () => backend,
  });
}

/**
 * The definition of a backend given to an app in code as an object (a definition, or an
 * opened backend); undefined for a name (looked up in the registry) or nothing.
 */
export function definitionGivenInCode(value: string | BackendDefinition | Backend | undefined) {
  if (typeof value !== "object" || value === null) return undefined;
  return isBackend(value) ? definitionOfBackend(value) : defineBackend(value);
}

/** Throws unless the opened backend declares the capabilities its definition declared. */
export function checkDeclaredCapabilities(definition: BackendDefinition, backend: Backend): void {
  for (const key of CAPABILITY_KEYS) {
    if (backend.capabilities?.[key] !== definition.capabilities[key]) {
      throw new ConfigError(
        "backend",
        `backend '${definition.name}' declares capabilities.${key} = ${definition.capabilities[key]} ` +
          `but the backend it created reports ${String(backend.capabilities?.[key])}`,
      );
    }
  }
}
