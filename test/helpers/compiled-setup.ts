// Vitest globalSetup (of the `runners` and `process` stages, vitest.config.ts): transpiles (no
// bundling, same layout) the sources that test processes and workers run (src/ and the
// fixtures) to JavaScript in a fresh temp directory, once per test
// run. Processes started from there (`node <dir>/src/cli/main.js ...`) and their children
// run without tsx: a process-per-invocation runner costs ~0.15 CPU-s per child instead of
// ~0.6 s through tsx. Tests find the directory with `compiledDir()` (./compiled.ts).
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The directory `compiled-setup.ts` transpiled src/ and the runner fixtures into. */
    tsnencCompiledDir: string;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Directories (relative to the repository) whose TypeScript files are transpiled. */
const SOURCE_DIRS = ["src", "test/runners/fixtures", "test/fixtures"];
/** Non-TypeScript files the compiled sources read next to themselves. */
const ASSET_DIRS = ["src/backends/redis/scripts"];

function typeScriptFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
    .map((file) => join(dir, file));
}

/** Transpiles the sources into a new temp directory and returns its path. */
export async function compileForProcesses(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "tsnenc-compiled-"));
  const tsconfigRaw = readFileSync(join(ROOT, "tsconfig.json"), "utf8");
  const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  // ESM scope for the .js files, and the repository's packages (commander, better-sqlite3, ioredis).
  writeFileSync(join(out, "package.json"), JSON.stringify({ name: "tsnenc", version, type: "module" }));
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  const files = SOURCE_DIRS.flatMap(typeScriptFiles);
  await Promise.all(
    files.map(async (file) => {
      const result = await transform(readFileSync(join(ROOT, file), "utf8"), {
        loader: "ts",
        format: "esm",
        target: "node20",
        sourcefile: join(ROOT, file),
        tsconfigRaw,
      });
      const target = join(out, file.replace(/\.ts$/, ".js"));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, result.code);
    }),
  );
  for (const dir of ASSET_DIRS) cpSync(join(ROOT, dir), join(out, dir), { recursive: true });
  return out;
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = await compileForProcesses();
  project.provide("tsnencCompiledDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
