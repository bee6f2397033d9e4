import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Tsnenc } from "../app/tsnenc.js";
import { hasBrand } from "../identity/brand.js";
import { CliError } from "./run-action.js";

export interface LoadAppOptions {
  /** `FILE` or `FILE#EXPORT`, relative to `cwd`; without it the app is discovered in `cwd`. */
  app?: string;
  cwd: string;
}

export interface LoadedApp {
  app: Tsnenc;
  /** Absolute path of the module the app was found in. */
  modulePath: string;
  /** The export holding the app (`default` for the default export). */
  exportName: string;
}

export interface ImportFailure {
  file: string;
  message: string;
}

/** Discovery found no module exporting an app (`importErrors`: the modules that failed to import). */
export class NoAppFoundError extends CliError {
  static override readonly code: string = "NoAppFoundError";
  constructor(
    message: string,
    readonly importErrors: readonly ImportFailure[],
  ) {
    super(message);
  }
}

const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);
const JS_EXTENSIONS = new Set([".js", ".mjs", ".cjs"]);
const DISCOVERY_EXTENSIONS = new Set([".ts", ".mts", ".js", ".mjs"]);
/** Tried in this order when `--app` names a file without its extension. */
const IMPLICIT_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

type ModuleImporter = (url: string) => Promise<unknown>;

interface Found {
  file: string;
  exportName: string;
  app: Tsnenc;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A Tsnenc app: an instance of the `Tsnenc` class (or a subclass) of this copy of the package or
 * of another one (the user's module may resolve its own), recognised by the class's brand.
 */
export function isTsnencApp(value: unknown): value is Tsnenc {
  return hasBrand<Tsnenc>(value, "Tsnenc");
}

/** The distinct apps a module exports (named exports first; `default` counts, as does one level inside a plain default object). */
export function appsInModule(namespace: unknown): Array<{ exportName: string; app: Tsnenc }> {
  if (typeof namespace !== "object" || namespace === null) return [];
  const record = namespace as Record<string, unknown>;
  const names = Object.keys(record).sort((a, b) => Number(a === "default") - Number(b === "default"));
  const seen = new Set<unknown>();
  const out: Array<{ exportName: string; app: Tsnenc }> = [];
  const consider = (exportName: string, value: unknown): void => {
    if (!isTsnencApp(value) || seen.has(value)) return;
    seen.add(value);
    out.push({ exportName, app: value });
  };
  for (const name of names) {
    let value: unknown;
    try {
      value = record[name];
    } catch {
      continue; // an export still in its temporal dead zone
    }
    consider(name, value);
    const proto: unknown = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : null;
    if (name === "default" && (proto === Object.prototype || proto === null) && !isTsnencApp(value)) {
      for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
        consider(`default.${inner}`, innerValue);
      }
    }
  }
  return out;
}

interface TsxEsmApi {
  register?: (options: { namespace: string }) => { import: (specifier: string, parent: string) => unknown };
  tsImport?: (specifier: string, parent: string) => unknown;
}

async function tsxApi(cwd: string): Promise<TsxEsmApi | undefined> {
  try {
    return (await import("tsx/esm/api")) as TsxEsmApi;
  } catch {
    // not installed next to tsnenc: try the user's project
  }
  try {
    const resolved = createRequire(join(cwd, "noop.js")).resolve("tsx/esm/api");
    const mod = (await import(pathToFileURL(resolved).href)) as TsxEsmApi & { default?: TsxEsmApi };
    return mod.register || mod.tsImport ? mod : mod.default;
  } catch {
    return undefined;
  }
}

/**
 * Imports modules of one load: `.js`/`.mjs`/`.cjs` with `import()`, TypeScript through tsx, all
 * TypeScript modules in one tsx namespace so a module imported by several share one instance.
 */
function createImporter(cwd: string): (path: string) => Promise<unknown> {
  let tsImporter: Promise<ModuleImporter | undefined> | undefined;
  const parent = pathToFileURL(join(cwd, "noop.js")).href;
  const loadTs = async (): Promise<ModuleImporter | undefined> => {
    const api = await tsxApi(cwd);
    if (api?.register) {
      const scoped = api.register({ namespace: `tsnenc-cli-${randomUUID()}` });
      return async (url) => scoped.import(url, parent);
    }
    const tsImport = api?.tsImport;
    return tsImport ? async (url) => tsImport(url, parent) : undefined;
  };
  return async (path) => {
    const url = pathToFileURL(path).href;
    if (!TS_EXTENSIONS.has(extname(path).toLowerCase())) return import(url);
    tsImporter ??= loadTs();
    const importer = await tsImporter;
    if (!importer) {
      throw new Error(
        "loading a TypeScript app needs tsx (npm install --save-dev tsx), or build the app to JavaScript",
      );
    }
    return importer(url);
  };
}

function display(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function describeFound(cwd: string, found: readonly Found[]): string {
  return found.map((f) => `${display(cwd, f.file)}#${f.exportName} (appId ${f.app.appId})`).join(", ");
}

function splitSpec(spec: string): { file: string; exportName?: string } {
  const hash = spec.lastIndexOf("#");
  if (hash <= 0) return { file: spec };
  return { file: spec.slice(0, hash), exportName: spec.slice(hash + 1) };
}

function resolveAppFile(cwd: string, file: string): string {
  const path = resolve(cwd, file);
  if (isFile(path)) return path;
  if (extname(path) === "") {
    const withExt = IMPLICIT_EXTENSIONS.map((ext) => path + ext).find(isFile);
    if (withExt) return withExt;
  }
  throw new CliError(`app module not found: ${display(cwd, path)}`);
}

async function loadFromFile(spec: string, cwd: string): Promise<LoadedApp> {
  const { file, exportName } = splitSpec(spec);
  const path = resolveAppFile(cwd, file);
  const shown = display(cwd, path);
  const ext = extname(path).toLowerCase();
  if (!TS_EXTENSIONS.has(ext) && !JS_EXTENSIONS.has(ext)) {
    throw new CliError(`unsupported app module ${shown}: expected a .ts, .mts, .js or .mjs file`);
  }
  let namespace: unknown;
  try {
    namespace = await createImporter(cwd)(path);
  } catch (error) {
    throw new CliError(`importing ${shown} failed: ${message(error)}`);
  }
  const apps = appsInModule(namespace);
  if (exportName !== undefined) {
    const chosen = apps.find((a) => a.exportName === exportName);
    if (!chosen) throw new CliError(`${shown} has no Tsnenc app exported as '${exportName}'`);
    return { app: chosen.app, modulePath: path, exportName };
  }
  const [only, ...rest] = apps;
  if (!only) throw new CliError(`${shown} exports no Tsnenc app`);
  if (rest.length > 0) {
    const found = apps.map((a) => ({ ...a, file: path }));
    throw new CliError(
      `several apps found: ${describeFound(cwd, found)} — pass --app ${shown}#<export> to choose one`,
    );
  }
  return { app: only.app, modulePath: path, exportName: only.exportName };
}

/** Whether a top-level file of the working directory may hold the app. */
export function isDiscoveryCandidate(name: string): boolean {
  if (name.startsWith("_") || name.startsWith(".")) return false;
  if (!DISCOVERY_EXTENSIONS.has(extname(name).toLowerCase())) return false;
  if (/\.d\.m?ts$/i.test(name)) return false;
  if (/\.(test|spec|config)\./i.test(name)) return false;
  return !/^(vitest|eslint)\./i.test(name);
}

function candidates(cwd: string): string[] {
  let names: string[];
  try {
    names = readdirSync(cwd);
  } catch (error) {
    throw new CliError(`cannot read ${cwd}: ${message(error)}`);
  }
  return names
    .filter(isDiscoveryCandidate)
    .sort()
    .map((name) => join(cwd, name))
    .filter((path) => {
      if (!isFile(path)) return false;
      try {
        return readFileSync(path, "utf8").includes("Tsnenc");
      } catch {
        return false;
      }
    });
}

async function discover(cwd: string): Promise<LoadedApp> {
  const importModule = createImporter(cwd);
  const found: Found[] = [];
  const failures: ImportFailure[] = [];
  const seen = new Set<unknown>();
  for (const path of candidates(cwd)) {
    let namespace: unknown;
    try {
      namespace = await importModule(path);
    } catch (error) {
      failures.push({ file: display(cwd, path), message: message(error) });
      continue;
    }
    for (const { exportName, app } of appsInModule(namespace)) {
      if (seen.has(app)) continue;
      seen.add(app);
      found.push({ file: path, exportName, app });
    }
  }
  const [only, ...rest] = found;
  if (!only) {
    const errors = failures.map((f) => `\n  ${f.file}: ${f.message}`).join("");
    const detail = failures.length > 0 ? `\nmodules that failed to import:${errors}` : "";
    throw new NoAppFoundError(`no module in ${cwd} exports a Tsnenc app; pass --app FILE${detail}`, failures);
  }
  if (rest.length > 0) throw new CliError(`several apps found: ${describeFound(cwd, found)} — pass --app`);
  return { app: only.app, modulePath: only.file, exportName: only.exportName };
}

/**
 * The app of a CLI command: from `--app FILE[#EXPORT]` (a .ts/.mts module through tsx, a
 * .js/.mjs one with `import()`), or the single app exported by the top-level modules of `cwd`.
 * Failures are CliErrors (exit 1); `NoAppFoundError` when discovery finds none.
 */
export async function loadApp(options: LoadAppOptions): Promise<LoadedApp> {
  const cwd = resolve(options.cwd);
  if (!existsSync(cwd)) throw new CliError(`working directory not found: ${cwd}`);
  if (options.app !== undefined && options.app !== "") return loadFromFile(options.app, cwd);
  return discover(cwd);
}
