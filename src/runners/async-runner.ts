import type { AppCore } from "../engine/app-core.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { refuseForeignSettings } from "./core/runner-settings.js";
import { InProcessExecutor } from "./executors/in-process/in-process-executor.js";

export interface AsyncRunnerOptions extends RunnerOptions {
  /** Invocations executed at once on the event loop (default: config `maxConcurrency`). */
  maxConcurrency?: number;
}

/**
 * The default runner: executes up to `maxConcurrency` invocations at once on the event loop
 * (the in-process executor). An invocation that awaits other invocations' results is PAUSED
 * and gives its slot back, so the invocations it waits on can run; it is RESUMED, with
 * priority for the next free slot, once they are final.
 */
export class AsyncRunner extends BaseRunner {
  declare protected readonly executor: InProcessExecutor;

  constructor(app: AppCore, options: AsyncRunnerOptions = {}) {
    // A worker of a pool (its context has a parent) is sized by its parent runner.
    refuseForeignSettings(app, "AsyncRunner", options, Boolean(options.runnerContext?.parent));
    const concurrency = options.maxConcurrency ?? app.settings.maxConcurrency;
    super(app, options, (host) => new InProcessExecutor(host, concurrency));
  }

  /** Ids of the invocations this runner holds (running or paused). */
  get heldInvocationIds(): string[] {
    return this.executor.heldIds();
  }
}
