import type { AppCore } from "../../engine/app-core.js";
import { RunnerError } from "../../errors/errors.js";

/**
 * A runner whose class is not `memCompatible()` runs its work outside this process or thread,
 * so it needs a backend shared across processes (`capabilities.sharedAcrossProcesses`).
 */
export function refuseUnsharedBackend(app: AppCore, runnerClass: string, memCompatible: boolean): void {
  const backend = app.backend;
  if (memCompatible || backend.capabilities.sharedAcrossProcesses) return;
  throw new RunnerError(
    `${runnerClass} cannot run on the ${backend.kind} backend: it executes in workers outside this ` +
      `thread, and the ${backend.kind} backend is not shared across processes or threads; ` +
      `use a shared backend (config backend "sqlite" with sqlitePath, or "redis")`,
  );
}
