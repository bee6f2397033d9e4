import type { AppCore } from "../engine/app-core.js";
import { BaseRunner } from "./base-runner.js";
import { type AppModuleRef, requireAppModule } from "./child/app-module.js";
import {
  ChildHeartbeats,
  createWorkerPool,
  DEFAULT_STOP_GRACE_MS,
  type PoolWorkerSpec,
  refuseMemoryBackend,
  type SpawningRunnerOptions,
  wakeupOrDelay,
} from "./worker-pool/pool-support.js";
import type { WorkerPool } from "./worker-pool/worker-pool.js";

/**
 * What MultiProcessRunner, PersistentProcessRunner and ThreadRunner share: the parent runs no
 * task and keeps a pool of workers (child processes or threads, each running an AsyncRunner).
 * It fills BaseRunner's steps once for all three: checks before start, the pool's start, the
 * loop (reap the dead, keep `minWorkers`, wait for a worker event), heartbeats of the workers
 * with their contexts, shutdown details and the stop (workers hand their work back, those
 * still alive after `stopGraceMs` are killed). A subclass says how many workers it keeps and
 * how many invocations each runs at once, and may resize the pool on each iteration.
 */
export abstract class PooledRunner extends BaseRunner {
  /** The module the workers import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private readonly spawning: SpawningRunnerOptions;
  private readonly spec: PoolWorkerSpec;
  private readonly heartbeats: ChildHeartbeats;
  private pool: WorkerPool | undefined;

  constructor(app: AppCore, options: SpawningRunnerOptions, spec: PoolWorkerSpec) {
    super(app, options);
    this.spawning = options;
    this.spec = spec;
    this.appModule = options.appModule;
    this.heartbeats = new ChildHeartbeats(app);
  }

  static override memCompatible(): boolean {
    return false;
  }

  /** Invocations each worker runs at once. */
  abstract get concurrency(): number;

  /** Workers started with the runner and kept alive (dead ones are replaced). */
  protected abstract get minWorkers(): number;

  override getActiveChildRunnerIds(): string[] {
    return this.pool?.live.map((member) => member.context.runnerId) ?? [];
  }

  async runnerLoopIteration(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    await pool.reap();
    if (!this.running) return;
    await pool.fillTo(this.minWorkers);
    await this.resizePool(pool);
    const waitMs = Math.min(
      this.app.settings.runnerIdlePollMs,
      this.msUntilServicesDue(),
      this.maxIdleWaitMs,
    );
    await wakeupOrDelay(pool.events, Math.max(10, waitMs));
  }

  /** The parent runs no task: code waiting through it just waits. */
  async waitingForResults(_running: string | null, resultInvocationIds: readonly string[]): Promise<void> {
    await this.app.finality.waitForFinal(resultInvocationIds);
  }

  /** Each iteration, after the dead are replaced: grow or shrink the pool (none by default). */
  protected async resizePool(_pool: WorkerPool): Promise<void> {}

  /** The longest the loop waits idle, besides the config's poll interval (no other bound by default). */
  protected get maxIdleWaitMs(): number {
    return Number.POSITIVE_INFINITY;
  }

  protected override async onStart(): Promise<void> {
    const appModule = requireAppModule(this.runnerClass, this.appModule);
    refuseMemoryBackend(this.app, this.runnerClass);
    await super.onStart();
    this.pool = createWorkerPool(this.app, appModule, {
      ...this.spec,
      concurrency: this.concurrency,
      env: this.spawning.env,
      parentContext: this.runnerContext,
      register: (context) => this.registerNewChildRunnerContext(context),
      reroute: (id, context) => this.killAndReroute(id, context),
    });
    await this.pool.fillTo(this.minWorkers);
  }

  protected override onStopRunnerLoop(): void {
    this.pool?.events.wake();
  }

  /** Stops every worker (they hand their work back), killing those still alive after the grace period. */
  protected override async onStop(): Promise<void> {
    await this.pool?.stopAll(this.spawning.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
    await super.onStop();
  }

  protected override async reportChildRunnerHeartbeats(): Promise<void> {
    await this.reportWorkerHeartbeats();
  }

  protected override async onHeartbeat(): Promise<void> {
    await this.reportWorkerHeartbeats();
  }

  protected override shutdownDetails(): string[] {
    const live = this.pool?.live ?? [];
    const processes = this.spec.kind === "process";
    return [
      `${processes ? "processes" : "threads"} (${live.length}):`,
      ...live.map(
        (m) =>
          `  ${processes ? `pid:${m.link.pid} ` : ""}worker:${m.context.runnerId.slice(0, 8)} ${m.state} held:${m.held.length}`,
      ),
    ];
  }

  /** The live workers' heartbeats, with their contexts (throttled). */
  private async reportWorkerHeartbeats(): Promise<void> {
    await this.heartbeats.report(this.pool?.heartbeats() ?? []);
  }
}
