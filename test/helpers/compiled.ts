// Where the JavaScript that test processes run lives (transpiled once per test run by the
// globalSetup ./compiled-setup.ts, which vitest.config.ts registers).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type {} from "./compiled-setup.js";

/** The directory of the compiled sources; fails when the globalSetup did not run. */
export function compiledDir(): string {
  const dir = inject("tsnencCompiledDir");
  if (!dir || !existsSync(dir)) {
    throw new Error(
      "no compiled sources: test/helpers/compiled-setup.ts must run as a vitest globalSetup (see vitest.config.ts)",
    );
  }
  return dir;
}

/** The compiled counterpart of a repository file, e.g. "test/runners/fixtures/process-app.ts". */
export function compiledPath(repoRelativeTsPath: string): string {
  return join(compiledDir(), repoRelativeTsPath.replace(/\.ts$/, ".js"));
}

/** The compiled `tsnenc` command line entry. */
export function compiledCli(): string {
  return compiledPath("src/cli/main.ts");
}
