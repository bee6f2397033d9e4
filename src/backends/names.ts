/**
 * The names of the backends tsnenc ships (see `registry.ts`, which maps each to its definition).
 * This module imports nothing, so the config can name the type without loading any backend.
 */
export const BUILTIN_BACKEND_NAMES = ["memory", "sqlite", "redis"] as const;
export type BuiltinBackendName = (typeof BUILTIN_BACKEND_NAMES)[number];

/**
 * A value of config `backend`: a built-in backend's name or the name of one registered with
 * `registerBackend()` (or given to the app in code). Checked when the app is built.
 */
export type BackendName = BuiltinBackendName | (string & {});
