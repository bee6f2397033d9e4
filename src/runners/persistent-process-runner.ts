import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import type { AppModuleRef } from "./child/app-module.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";
import { PooledWorkers } from "./worker-pool/pooled-workers.js";

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
  /** The module the children import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private readonly options: PersistentProcessRunnerOptions;
  private readonly workers: PooledWorkers;

  constructor(app: AppCore, options: PersistentProcessRunnerOptions = {}) {
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

  override getActiveChildRunnerIds(): string[] {
    return this.workers.ids;
  }

  async runnerLoopIteration(): Promise<void> {
    const pool = this.workers.pool;
    if (!pool) return;
    await pool.reap();
    if (!this.running) return;
    await pool.fillTo(this.numProcesses);
    await this.workers.waitForEvent(Math.min(this.app.settings.runnerIdlePollMs, this.msUntilServicesDue()));
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
      { kind: "process", workerClass: "PersistentProcessWorker", concurrency: this.concurrency },
      this.numProcesses,
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
}
