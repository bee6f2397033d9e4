import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { RunnerError } from "../../errors/errors.js";

/** The module a runner's children import to get the app (what `loadApp` found). */
export interface AppModuleRef {
  /** Absolute path of the module (.ts, .mts, .js, .mjs). */
  readonly path: string;
  /** The export holding the app (`app`, `default`, `default.app`); the module's only app when absent. */
  readonly exportName?: string;
}

const TYPESCRIPT_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);

export function isTypeScriptPath(path: string): boolean {
  return TYPESCRIPT_EXTENSIONS.has(extname(path).toLowerCase());
}

/** The app module of a runner that starts children, or a RunnerError saying how to give one. */
export function requireAppModule(runnerClass: string, ref: AppModuleRef | undefined): AppModuleRef {
  if (ref) return ref;
  throw new RunnerError(
    `${runnerClass} starts workers that import the app's module, and it was not given one: ` +
      `pass { appModule: { path: "/abs/path/app.ts", exportName: "app" } } to new ${runnerClass}(app, ...), ` +
      `or start it with \`tsnenc runner start --app FILE#EXPORT --runner ${runnerClass}\``,
  );
}

/**
 * The path of a child entry script next to the calling module (`baseUrl`: its
 * `import.meta.url`): `<name>.ts` when running from source, `<name>.js` from `dist/`.
 */
export function siblingEntryPath(baseUrl: string, name: string): string {
  const extension = new URL(baseUrl).pathname.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./${name}${extension}`, baseUrl));
}

/** Resolves `specifier` from this package, else from the app module's directory. */
function resolveTsx(specifier: string, appPath: string): string {
  for (const base of [import.meta.url, pathToFileURL(appPath).href]) {
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // try the next base
    }
  }
  throw new RunnerError(
    `workers of a TypeScript app need tsx to load it (npm install tsx), or build the app to JavaScript (${appPath})`,
  );
}

/** Whether a child running `entryPath` with `appModule` must load TypeScript. */
export function needsTypeScript(entryPath: string, appModule: AppModuleRef): boolean {
  return isTypeScriptPath(entryPath) || isTypeScriptPath(appModule.path);
}

/**
 * Node options of a forked child: the parent's, plus tsx's ESM loader when the entry or the
 * app is TypeScript and the parent's options do not load tsx already.
 */
export function childExecArgv(entryPath: string, appModule: AppModuleRef): string[] {
  const inherited = [...process.execArgv];
  if (!needsTypeScript(entryPath, appModule)) return inherited;
  if (inherited.some((arg) => arg.includes("tsx"))) return inherited;
  return [...inherited, "--import", pathToFileURL(resolveTsx("tsx/esm", appModule.path)).href];
}

/**
 * For worker threads, where Node 20 ignores `--import` loaders: the file URL of tsx's ESM API
 * module (its `register()` works inside a thread), or null when no TypeScript is involved.
 */
export function threadTsxApiUrl(entryPath: string, appModule: AppModuleRef): string | null {
  if (!needsTypeScript(entryPath, appModule)) return null;
  const packageJson = resolveTsx("tsx/package.json", appModule.path);
  const manifest = JSON.parse(readFileSync(packageJson, "utf8")) as {
    exports?: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = manifest.exports?.["./esm/api"];
  const relative = typeof entry === "object" ? entry.import?.default : undefined;
  if (!relative) throw new RunnerError(`this version of tsx has no ESM API (${packageJson})`);
  return pathToFileURL(join(dirname(packageJson), relative)).href;
}
