import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import type { AppModuleRef } from "./child/app-module.js";
import type { SpawningRunnerOptions } from "./worker-pool/pool-support.js";
import { PooledWorkers } from "./worker-pool/pooled-workers.js";

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
export class ThreadRunner extends BaseRunner {
  /** The module the threads import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private readonly options: ThreadRunnerOptions;
  private readonly workers: PooledWorkers;

  constructor(app: AppCore, options: ThreadRunnerOptions = {}) {
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

  override getActiveChildRunnerIds(): string[] {
    return this.workers.ids;
  }

  async runnerLoopIteration(): Promise<void> {
    const pool = this.workers.pool;
    if (!pool) return;
    await pool.reap();
    if (!this.running) return;
    await pool.fillTo(this.numThreads);
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
      { kind: "thread", workerClass: "ThreadWorker", concurrency: this.concurrency },
      this.numThreads,
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
      `threads (${live.length}):`,
      ...live.map((m) => `  worker:${m.context.runnerId.slice(0, 8)} ${m.state} held:${m.held.length}`),
    ];
  }
}
