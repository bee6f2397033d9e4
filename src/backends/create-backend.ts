import type { AppConfigValues, FieldName } from "../config/fields.js";
import type { ConfigSource } from "../config/sources.js";
import { ConfigError } from "../errors/errors.js";
import type { Backend } from "./contract/index.js";
import { type BackendDefinition, checkDeclaredCapabilities } from "./definition.js";
import { backendNames, findBackend, PLANNED_BACKENDS } from "./registry.js";

/**
 * The config fields that choose and connect the backend and broker; with `sourceOf` (an
 * AppConfig has it) refusals also say where the value came from.
 */
export type BackendSettings = Pick<
  AppConfigValues,
  "backend" | "broker" | "rabbitmqUrl" | "postgresUrl" | "sqlitePath" | "redisUrl"
> & { sourceOf?(field: FieldName): ConfigSource };

const quoted = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");

/** ` (from <source>)` for a refusal, e.g. ` (from TSNENC__BACKEND)`; empty without `sourceOf`. */
function from(settings: Pick<BackendSettings, "sourceOf">, field: FieldName): string {
  const source = settings.sourceOf?.(field);
  return source ? ` (from ${source.detail ?? source.tier})` : "";
}

/**
 * The definition config `backend` names: the app's own definition when the value is the one
 * given in code, else the registered one. A value with nothing behind it is
 * refused with a ConfigError naming `backend`, the value and the allowed values.
 */
export function resolveBackendDefinition(
  settings: Pick<BackendSettings, "backend" | "sourceOf">,
  own?: BackendDefinition,
): BackendDefinition {
  const name = settings.backend;
  const registered = findBackend(name);
  // The backend given in code is the one its name stands for, except where a registered backend
  // has that name too and the value comes from elsewhere: a test harness assigning "memory" at
  // run time means the registry's memory backend, not an opened one the code passed.
  const fromCode = (settings.sourceOf?.("backend").tier ?? "code") === "code";
  if (own && own.name.toLowerCase() === name.toLowerCase() && (fromCode || !registered)) return own;
  if (registered) return registered;
  const allowed = [...new Set([...(own ? [own.name] : []), ...backendNames()])];
  const planned = name.toLowerCase();
  const why = Object.hasOwn(PLANNED_BACKENDS, planned)
    ? PLANNED_BACKENDS[planned]
    : "no backend of that name is registered (registerBackend() adds one)";
  throw new ConfigError(
    "backend",
    `${JSON.stringify(name)}${from(settings, "backend")} is not available: ${why}; allowed: ${quoted(allowed)}`,
  );
}

/** A URL for messages, its password (if any) masked. */
function showUrl(url: string): string {
  return JSON.stringify(url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@"));
}

/**
 * Refuses the settings of a broker or backend this version does not have, naming the key, the
 * value and what is allowed: `broker` (no broker apart from the backend's own exists yet),
 * `rabbitmqUrl` (no RabbitMQ broker), and `postgresUrl` unless a backend named `postgres` is
 * registered or given in code (a URL with nothing to connect to is a mistake, not a no-op).
 */
export function checkBackendSettings(settings: BackendSettings, own?: BackendDefinition): void {
  if (settings.broker !== "") {
    throw new ConfigError(
      "broker",
      `${JSON.stringify(settings.broker)}${from(settings, "broker")} is not available: this version of tsnenc has no broker apart from ` +
        `the backend's own; allowed: "" (the backend's broker)`,
    );
  }
  if (settings.rabbitmqUrl !== "") {
    throw new ConfigError(
      "rabbitmqUrl",
      `${showUrl(settings.rabbitmqUrl)}${from(settings, "rabbitmqUrl")} has nothing to connect: this version of tsnenc has no RabbitMQ ` +
        `broker; allowed: "" (unset)`,
    );
  }
  const postgres = own?.name === "postgres" ? own : findBackend("postgres");
  if (settings.postgresUrl !== "" && !postgres) {
    throw new ConfigError(
      "postgresUrl",
      `${showUrl(settings.postgresUrl)}${from(settings, "postgresUrl")} has nothing to connect: this version of tsnenc has no PostgreSQL ` +
        `backend; allowed: "" (unset)`,
    );
  }
}

/**
 * Opens the app's backend: the definition config `backend` names (see
 * `resolveBackendDefinition`), created for the app's id, checked to report the capabilities it
 * declared.
 */
export function createBackend(
  config: Readonly<AppConfigValues> & Pick<BackendSettings, "sourceOf"> & { sources?: { cwd: string } },
  own?: BackendDefinition,
): Backend {
  const definition = resolveBackendDefinition(config, own);
  const cwd = config.sources?.cwd ?? process.cwd();
  const backend = definition.create({ appId: config.appId, config, cwd });
  try {
    checkDeclaredCapabilities(definition, backend);
  } catch (error) {
    backend.close().catch(() => {});
    throw error;
  }
  return backend;
}

/** Fields that say which backend (and which of its data) an app uses. */
const BACKEND_FIELDS: ReadonlySet<string> = new Set([
  "appId",
  "backend",
  "sqlitePath",
  "redisUrl",
  "postgresUrl",
  "broker",
  "rabbitmqUrl",
]);

/**
 * Checks each run-time assignment of a field that says which backend and data the app uses at
 * once (like the constructor's values), and refuses it while the backend is open: the app would
 * go on using the old one without a word. `app.close()` first.
 */
export function guardBackendAssignments(
  conf: BackendSettings & { guardAssignments(guard: (field: FieldName) => void): void },
  own: BackendDefinition | undefined,
  openBackend: () => Backend | undefined,
): void {
  conf.guardAssignments((field) => {
    if (!BACKEND_FIELDS.has(field)) return;
    const open = openBackend();
    if (open) {
      throw new ConfigError(
        field,
        `cannot change while the app's backend (${open.kind}) is open; call app.close() first`,
      );
    }
    resolveBackendDefinition(conf, own);
    checkBackendSettings(conf, own);
  });
}
