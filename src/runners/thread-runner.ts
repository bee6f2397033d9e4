import type { AppCore } from "../engine/app-core.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import { PooledRunner } from "./pooled-runner.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";

export interface ThreadRunnerOptions extends Omit<SpawningRunnerOptions, "env"> {
  /** Worker threads (default: config `numThreads`; 0 = CPU count). */
  numThreads?: number;
  /** Invocations each thread runs at once (default: config `threadConcurrency`, 1). */
  concurrency?: number;
}

/**
 * `numThreads` worker threads of this process, each importing the app's module and running an
 * AsyncRunner: CPU-bound tasks run in parallel without extra processes. Each thread has its own
 * memory (and backend connection), so the memory backend cannot be used. A thread that dies is
 * replaced (its work handed back); stopping asks each thread by message (threads get no
 * signals), then terminates those still running after `stopGraceMs`.
 */
export class ThreadRunner extends PooledRunner {
  private readonly options: ThreadRunnerOptions;

  constructor(app: AppCore, options: ThreadRunnerOptions = {}) {
    super(app, options, { kind: "thread", workerClass: "ThreadWorker" });
    this.options = options;
  }

  get numThreads(): number {
    return orCpuCount(this.options.numThreads ?? runnerSetting(this.app, "numThreads"));
  }

  /** Invocations each thread runs at once. */
  get concurrency(): number {
    return this.options.concurrency ?? runnerSetting(this.app, "threadConcurrency");
  }

  get maxParallelSlots(): number {
    return this.numThreads * this.concurrency;
  }

  protected get minWorkers(): number {
    return this.numThreads;
  }
}
