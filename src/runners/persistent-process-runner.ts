import type { AppCore } from "../engine/app-core.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import { PooledRunner } from "./pooled-runner.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";

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
export class PersistentProcessRunner extends PooledRunner {
  private readonly options: PersistentProcessRunnerOptions;

  constructor(app: AppCore, options: PersistentProcessRunnerOptions = {}) {
    super(app, options, { kind: "process", workerClass: "PersistentProcessWorker" });
    this.options = options;
  }

  get numProcesses(): number {
    return orCpuCount(this.options.numProcesses ?? runnerSetting(this.app, "numProcesses"));
  }

  /** Invocations each child runs at once. */
  get concurrency(): number {
    return this.options.concurrency ?? runnerSetting(this.app, "processConcurrency");
  }

  get maxParallelSlots(): number {
    return this.numProcesses * this.concurrency;
  }

  protected get minWorkers(): number {
    return this.numProcesses;
  }
}
