import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, refuseForeignSettings, runnerSetting } from "./core/runner-settings.js";
import { poolExecutor } from "./executors/pool/pool-executor.js";
import type { SpawningRunnerOptions } from "./supervisor/child-supervisor.js";

export interface ThreadRunnerOptions extends Omit<SpawningRunnerOptions, "env"> {
  /** Worker threads (default: config `numThreads`; 0 = CPU count). */
  numThreads?: number;
  /** Invocations each thread runs at once (default: config `threadConcurrency`, 1). */
  concurrency?: number;
}

/**
 * `numThreads` worker threads of this process (a fixed pool of thread workers), each importing
 * the app's module and running an AsyncRunner: CPU-bound tasks run in parallel without extra
 * processes. Each thread has its own memory (and backend connection), so a backend that lives
 * in one process cannot be used. A thread that dies is replaced (its work handed back);
 * stopping asks each thread by message (threads get no signals), then terminates those still
 * running after `stopGraceMs`.
 */
export class ThreadRunner extends BaseRunner {
  readonly numThreads: number;
  /** Invocations each thread runs at once. */
  readonly concurrency: number;

  constructor(app: AppCore, options: ThreadRunnerOptions = {}) {
    refuseForeignSettings(app, "ThreadRunner", options);
    const numThreads = orCpuCount(runnerSetting(app, "numThreads", options.numThreads));
    const concurrency = runnerSetting(app, "threadConcurrency", options.concurrency);
    const size = { kind: "fixed", workers: numThreads } as const;
    super(
      app,
      options,
      poolExecutor(options, { workerKind: "thread", workerClass: "ThreadWorker", size, concurrency }),
    );
    this.numThreads = numThreads;
    this.concurrency = concurrency;
  }

  static override memCompatible(): boolean {
    return false;
  }
}
