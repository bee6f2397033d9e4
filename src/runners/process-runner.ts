import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, refuseForeignSettings, runnerSetting } from "./core/runner-settings.js";
import { ProcessPerInvocationExecutor } from "./executors/per-invocation/process-per-invocation-executor.js";
import type { SpawningRunnerOptions } from "./supervisor/child-supervisor.js";

/**
 * ProcessRunner's options. No `stopGraceMs`: stopping kills its children at once (each runs one
 * invocation, which the parent hands back itself), so there is no grace period to set.
 */
export interface ProcessRunnerOptions extends Omit<SpawningRunnerOptions, "stopGraceMs"> {
  /**
   * Invocations running at once, one child process each (default: config
   * `maxRunningProcesses`; 0 = CPU count).
   */
  maxRunningProcesses?: number;
  /** Children started ahead, app loaded, waiting for their invocation (default: `maxRunningProcesses`). */
  warmProcesses?: number;
}

/**
 * One child process per invocation, at most `maxRunningProcesses` running at once. Children
 * are started ahead (app loaded); the parent claims an invocation for a ready child and hands
 * it over; the child executes it and exits. A child whose task awaits results is PAUSED,
 * SIGSTOPped and stops counting against `maxRunningProcesses` until the results are final;
 * then it takes a slot (before new claims), is RESUMED and SIGCONTed. Stopping kills the
 * children and hands their invocations back (KILLED, REROUTED).
 */
export class ProcessRunner extends BaseRunner {
  readonly maxRunningProcesses: number;

  constructor(app: AppCore, options: ProcessRunnerOptions = {}) {
    refuseForeignSettings(app, "ProcessRunner", options);
    const maxRunning = orCpuCount(runnerSetting(app, "maxRunningProcesses", options.maxRunningProcesses));
    const warm = options.warmProcesses ?? maxRunning;
    super(app, options, (host) => new ProcessPerInvocationExecutor(host, { ...options, maxRunning, warm }));
    this.maxRunningProcesses = maxRunning;
  }

  static override memCompatible(): boolean {
    return false;
  }
}
