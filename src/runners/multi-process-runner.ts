import type { AppCore } from "../engine/app-core.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import { PooledRunner } from "./pooled-runner.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";
import type { WorkerPool } from "./worker-pool/worker-pool.js";

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
 * Child processes, each running an AsyncRunner, between `minProcesses` and `maxProcesses`: more
 * when the queue holds more than the children's free slots, fewer when children stay idle
 * longer than `idleTimeoutProcessMs`. Dead children are replaced (their work handed back).
 * Stopping sends SIGTERM to every child (each hands its work back: KILLED, REROUTED), waits up
 * to `stopGraceMs`, then kills the rest.
 */
export class MultiProcessRunner extends PooledRunner {
  private readonly options: MultiProcessRunnerOptions;

  constructor(app: AppCore, options: MultiProcessRunnerOptions = {}) {
    super(app, options, { kind: "process", workerClass: "AsyncRunner" });
    this.options = options;
  }

  get minProcesses(): number {
    return Math.max(1, this.options.minProcesses ?? runnerSetting(this.app, "minProcesses"));
  }

  get maxProcesses(): number {
    const max = orCpuCount(this.options.maxProcesses ?? runnerSetting(this.app, "maxProcesses"));
    return Math.max(this.minProcesses, max);
  }

  get idleTimeoutProcessMs(): number {
    return this.options.idleTimeoutProcessMs ?? runnerSetting(this.app, "idleTimeoutProcessMs");
  }

  /** Invocations each child runs at once. */
  get concurrency(): number {
    return this.options.maxConcurrency ?? this.app.settings.maxConcurrency;
  }

  get maxParallelSlots(): number {
    return this.maxProcesses * this.concurrency;
  }

  protected get minWorkers(): number {
    return this.minProcesses;
  }

  /** Idle children are looked for at least twice per `idleTimeoutProcessMs`. */
  protected override get maxIdleWaitMs(): number {
    return Math.max(10, this.idleTimeoutProcessMs / 2);
  }

  protected override async resizePool(pool: WorkerPool): Promise<void> {
    await this.scaleUp(pool);
    this.stopIdleChildren(pool);
  }

  /** Starts children while the queue holds more than the free slots (up to `maxProcesses`). */
  private async scaleUp(pool: WorkerPool): Promise<void> {
    const active = pool.active.length;
    if (active >= this.maxProcesses) return;
    const queued = await this.app.backend.broker.size();
    const shortfall = queued - pool.freeSlots();
    if (shortfall <= 0) return;
    const add = Math.min(this.maxProcesses - active, Math.ceil(shortfall / this.concurrency));
    this.logger.info(`runner:${this.runnerId} ${queued} queued: starting ${add} more children`);
    for (let i = 0; i < add && this.running; i++) await pool.spawn();
  }

  /** Stops children idle longer than `idleTimeoutProcessMs`, the longest idle first, keeping `minProcesses`. */
  private stopIdleChildren(pool: WorkerPool): void {
    const now = Date.now();
    let excess = pool.active.length - this.minProcesses;
    const idle = pool.active
      .filter((m) => m.state === "running" && m.held.length === 0)
      .filter((m) => now - m.idleSince >= this.idleTimeoutProcessMs)
      .sort((a, b) => a.idleSince - b.idleSince);
    for (const member of idle) {
      if (excess <= 0) return;
      this.logger.info(`runner:${this.runnerId} stopping idle child ${member.context.runnerId}`);
      pool.stop(member);
      excess--;
    }
  }
}
