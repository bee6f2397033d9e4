import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, refuseForeignSettings, runnerSetting } from "./core/runner-settings.js";
import { poolExecutor } from "./executors/pool/pool-executor.js";
import type { SpawningRunnerOptions } from "./supervisor/child-supervisor.js";

export interface MultiProcessRunnerOptions extends SpawningRunnerOptions {
  /** Children kept at least (default: config `minProcesses`). */
  minProcesses?: number;
  /** Children at most (default: config `maxProcesses`; 0 = CPU count). */
  maxProcesses?: number;
  /** A child idle this long is stopped, down to `minProcesses` (default: config `idleTimeoutProcessMs`). */
  idleTimeoutProcessMs?: number;
  /** Invocations each child's AsyncRunner runs at once (default: config `maxConcurrency`). */
  maxConcurrency?: number;
}

/**
 * Child processes, each running an AsyncRunner, between `minProcesses` and `maxProcesses` (an
 * elastic pool of process workers): more when the queue holds more than the children's free
 * slots, fewer when children stay idle longer than `idleTimeoutProcessMs`. Dead children are
 * replaced (their work handed back). Stopping sends SIGTERM to every child (each hands its
 * work back: KILLED, REROUTED), waits up to `stopGraceMs`, then kills the rest.
 */
export class MultiProcessRunner extends BaseRunner {
  readonly minProcesses: number;
  readonly maxProcesses: number;
  readonly idleTimeoutProcessMs: number;
  /** Invocations each child runs at once. */
  readonly concurrency: number;

  constructor(app: AppCore, options: MultiProcessRunnerOptions = {}) {
    refuseForeignSettings(app, "MultiProcessRunner", options);
    const min = Math.max(1, runnerSetting(app, "minProcesses", options.minProcesses));
    const max = Math.max(min, orCpuCount(runnerSetting(app, "maxProcesses", options.maxProcesses)));
    const idleTimeoutMs = runnerSetting(app, "idleTimeoutProcessMs", options.idleTimeoutProcessMs);
    const concurrency = options.maxConcurrency ?? app.settings.maxConcurrency;
    const size = { kind: "elastic", min, max, idleTimeoutMs } as const;
    super(
      app,
      options,
      poolExecutor(options, { workerKind: "process", workerClass: "AsyncRunner", size, concurrency }),
    );
    this.minProcesses = min;
    this.maxProcesses = max;
    this.idleTimeoutProcessMs = idleTimeoutMs;
    this.concurrency = concurrency;
  }

  static override memCompatible(): boolean {
    return false;
  }
}
