import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, refuseForeignSettings, runnerSetting } from "./core/runner-settings.js";
import { poolExecutor } from "./executors/pool/pool-executor.js";
import type { SpawningRunnerOptions } from "./supervisor/child-supervisor.js";

export interface PersistentProcessRunnerOptions extends SpawningRunnerOptions {
  /** Long-lived children (default: config `numProcesses`; 0 = CPU count). */
  numProcesses?: number;
  /** Invocations each child runs at once (default: config `processConcurrency`, 1). */
  concurrency?: number;
}

/**
 * A fixed pool of `numProcesses` long-lived children, each running an AsyncRunner; a child that
 * dies is replaced (its work handed back). An invocation that awaits others is PAUSED and frees
 * its child's slot, so a pool whose invocations all wait never deadlocks.
 */
export class PersistentProcessRunner extends BaseRunner {
  readonly numProcesses: number;
  /** Invocations each child runs at once. */
  readonly concurrency: number;

  constructor(app: AppCore, options: PersistentProcessRunnerOptions = {}) {
    refuseForeignSettings(app, "PersistentProcessRunner", options);
    const numProcesses = orCpuCount(runnerSetting(app, "numProcesses", options.numProcesses));
    const concurrency = runnerSetting(app, "processConcurrency", options.concurrency);
    const size = { kind: "fixed", workers: numProcesses } as const;
    super(
      app,
      options,
      poolExecutor(options, {
        workerKind: "process",
        workerClass: "PersistentProcessWorker",
        size,
        concurrency,
      }),
    );
    this.numProcesses = numProcesses;
    this.concurrency = concurrency;
  }

  static override memCompatible(): boolean {
    return false;
  }
}
