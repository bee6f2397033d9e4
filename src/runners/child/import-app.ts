import { pathToFileURL } from "node:url";
import type { AppCore } from "../../engine/app-core.js";
import { RunnerError } from "../../errors/errors.js";
import { hasBrand } from "../../identity/brand.js";
import type { AppModuleRef } from "./app-module.js";

/** The app a child process or thread works for. */
export interface ChildApp extends AppCore {
  close(): Promise<void>;
}

/** A `Tsnenc` app, recognised by its brand (the app module may load another copy of tsnenc). */
function isApp(value: unknown): value is ChildApp {
  return hasBrand<ChildApp>(value, "Tsnenc");
}

/** `default.app` → namespace.default.app */
function pick(namespace: unknown, exportName: string): unknown {
  let value = namespace;
  for (const part of exportName.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/**
 * Imports the app module in a child (TypeScript works when the child was started with tsx)
 * and returns its app: the named export, or the only app the module exports.
 */
export async function importApp(ref: AppModuleRef): Promise<ChildApp> {
  const namespace: unknown = await import(pathToFileURL(ref.path).href);
  if (ref.exportName !== undefined) {
    const app = pick(namespace, ref.exportName);
    if (isApp(app)) return app;
    throw new RunnerError(`${ref.path} has no Tsnenc app exported as '${ref.exportName}'`);
  }
  const apps = Object.values(namespace as Record<string, unknown>).filter(isApp);
  const [only, ...rest] = [...new Set(apps)];
  if (only && rest.length === 0) return only;
  throw new RunnerError(
    `${ref.path} exports ${only ? "several apps" : "no Tsnenc app"}; give the export name (FILE#EXPORT)`,
  );
}
