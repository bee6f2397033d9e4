import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import type { AppModuleRef } from "./child/app-module.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";
import { PooledWorkers } from "./worker-pool/pooled-workers.js";
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
export class MultiProcessRunner extends BaseRunner {
  /** The module the children import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private readonly options: MultiProcessRunnerOptions;
  private readonly workers: PooledWorkers;

  constructor(app: AppCore, options: MultiProcessRunnerOptions = {}) {
    super(app, options);
    this.options = options;
    this.appModule = options.appModule;
    this.workers = new PooledWorkers(
      {
        app,
        runnerContext: this.runnerContext,
        runnerClass: this.runnerClass,
        register: (context) => this.registerNewChildRunnerContext(context),
        reroute: (id, context) => this.killAndReroute(id, context),
      },
      options,
    );
  }

  static override memCompatible(): boolean {
    return false;
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

  override getActiveChildRunnerIds(): string[] {
    return this.workers.ids;
  }

  async runnerLoopIteration(): Promise<void> {
    const pool = this.workers.pool;
    if (!pool) return;
    await pool.reap();
    if (!this.running) return;
    await pool.fillTo(this.minProcesses);
    await this.scaleUp(pool);
    this.stopIdleChildren(pool);
    const settings = this.app.settings;
    const idleCheckMs = Math.max(10, this.idleTimeoutProcessMs / 2);
    await this.workers.waitForEvent(
      Math.min(settings.runnerIdlePollMs, this.msUntilServicesDue(), idleCheckMs),
    );
  }

  /** The parent runs no task: code waiting through it just waits. */
  async waitingForResults(_running: string | null, resultInvocationIds: readonly string[]): Promise<void> {
    await this.app.finality.waitForFinal(resultInvocationIds);
  }

  protected override async onStart(): Promise<void> {
    const appModule = this.workers.check(this.appModule);
    await super.onStart();
    await this.workers.start(
      appModule,
      { kind: "process", workerClass: "AsyncRunner", concurrency: this.concurrency },
      this.minProcesses,
    );
  }

  protected override onStopRunnerLoop(): void {
    this.workers.wake();
  }

  protected override async onStop(): Promise<void> {
    await this.workers.stop();
    await super.onStop();
  }

  protected override async reportChildRunnerHeartbeats(): Promise<void> {
    await this.workers.reportHeartbeats();
  }

  protected override async onHeartbeat(): Promise<void> {
    await this.workers.reportHeartbeats();
  }

  protected override shutdownDetails(): string[] {
    const live = this.workers.live;
    return [
      `processes (${live.length}):`,
      ...live.map(
        (m) =>
          `  pid:${m.link.pid} worker:${m.context.runnerId.slice(0, 8)} ${m.state} held:${m.held.length}`,
      ),
    ];
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
