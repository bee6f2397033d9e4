import type { AppCore } from "../../engine/app-core.js";
import { RunnerError } from "../../errors/errors.js";
import type { RunnerOptions } from "../base-runner.js";
import { runtimeConfigOf } from "../child/app-config-bridge.js";
import { type AppModuleRef, childExecArgv, siblingEntryPath, threadTsxApiUrl } from "../child/app-module.js";
import type { ChildInit } from "../child/messages.js";
import { forkChild, startThread } from "../child/worker-link.js";
import type { Wakeup } from "../wakeup.js";
import { type PoolWorkerLink, WorkerPool, type WorkerPoolOptions } from "./worker-pool.js";

/** Options of every runner that starts child processes or threads. */
export interface SpawningRunnerOptions extends RunnerOptions {
  /** The module its children import to get the app (the CLI passes what `--app` loaded). */
  appModule?: AppModuleRef;
  /** Extra environment variables of child processes. */
  env?: NodeJS.ProcessEnv;
  /** How long stopping waits for children to hand their work back before killing them (default 10 s). */
  stopGraceMs?: number;
}

export const DEFAULT_STOP_GRACE_MS = 10_000;

/** The pool worker's entry script (`pool-worker.ts` from source, `.js` from dist). */
const POOL_WORKER_ENTRY = siblingEntryPath(import.meta.url, "pool-worker");

/** Starts pool workers as child processes. */
export function processLauncher(appModule: AppModuleRef, env: NodeJS.ProcessEnv = {}): () => PoolWorkerLink {
  const execArgv = childExecArgv(POOL_WORKER_ENTRY, appModule);
  return () => forkChild(POOL_WORKER_ENTRY, execArgv, { ...process.env, ...env });
}

/** Starts pool workers as threads of this process. */
export function threadLauncher(appModule: AppModuleRef): () => PoolWorkerLink {
  const tsxApiUrl = threadTsxApiUrl(POOL_WORKER_ENTRY, appModule);
  return () => startThread(POOL_WORKER_ENTRY, tsxApiUrl, { type: "stop" });
}

/** What every child gets besides its context: the app module and the parent's run-time config. */
export function childInitOf(app: AppCore, appModule: AppModuleRef): () => Omit<ChildInit, "context"> {
  return () => ({ appModule, runtimeConfig: runtimeConfigOf(app) });
}

/** What a pooled runner's workers are. */
export interface PoolWorkerSpec {
  /** Child processes or threads of this process. */
  readonly kind: "process" | "thread";
  /** The runner class recorded in the workers' contexts. */
  readonly workerClass: string;
}

/** What a pooled runner tells its pool besides the app and its module. */
export interface WorkerPoolSettings
  extends PoolWorkerSpec,
    Pick<WorkerPoolOptions, "parentContext" | "concurrency" | "register" | "reroute"> {
  /** Extra environment variables of child processes. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** A pool of workers (not started yet) that import `appModule` and get the app's run-time config. */
export function createWorkerPool(
  app: AppCore,
  appModule: AppModuleRef,
  settings: WorkerPoolSettings,
): WorkerPool {
  const { kind, env, ...options } = settings;
  return new WorkerPool({
    ...options,
    childInit: childInitOf(app, appModule),
    launch: kind === "process" ? processLauncher(appModule, env) : threadLauncher(appModule),
    ownersOf: async (ids) => {
      const statuses = await app.backend.orchestrator.getStatuses(ids);
      return new Map([...statuses].map(([id, status]) => [id, status.ownerId]));
    },
    logger: app.logger,
  });
}

/** Children cannot see a memory backend: it lives in the parent's process (and thread). */
export function refuseMemoryBackend(app: AppCore, runnerClass: string): void {
  if (app.backend.kind !== "memory") return;
  throw new RunnerError(
    `${runnerClass} runs its workers outside this thread, where the memory backend is not shared: ` +
      `use a shared backend (config backend "sqlite" with sqlitePath, or "redis")`,
  );
}

/**
 * Heartbeats on behalf of a runner's children, with their contexts (BaseRunner's default sends
 * an empty context, which overwrites the stored one), at most twice per heartbeat interval.
 */
export class ChildHeartbeats {
  private lastAt = 0;

  constructor(private readonly app: AppCore) {}

  async report(entries: ReadonlyArray<{ runnerId: string; context: string }>): Promise<void> {
    const now = Date.now();
    if (entries.length === 0 || now - this.lastAt < this.app.settings.runnerHeartbeatIntervalMs / 2) return;
    this.lastAt = now;
    await this.app.backend.orchestrator.heartbeat(entries, now);
  }
}

/** Resolves on `wakeup` or after `ms`, whichever comes first. */
export async function wakeupOrDelay(wakeup: Wakeup, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const delay = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([wakeup.wait(), delay]);
  clearTimeout(timer);
  wakeup.cancel();
}
