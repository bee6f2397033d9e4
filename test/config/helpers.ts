import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AppConfig,
  type ConfigSources,
  createAppConfig,
  loadConfigSources,
} from "../../src/config/index.js";

/** A fresh temp dir holding the given files (name → text). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tsnenc-config-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function sourcesIn(files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): ConfigSources {
  return loadConfigSources({ cwd: tempDir(files), env });
}

export function configIn(
  code: Record<string, unknown> = {},
  files: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {},
): AppConfig {
  return createAppConfig(code, sourcesIn(files, env));
}

/** The message of the error `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-error: ${String(err)}`);
  }
  throw new Error("expected an error, none was thrown");
}
