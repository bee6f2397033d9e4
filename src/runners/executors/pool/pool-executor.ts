import type { RunnerExecutor, RunnerHost } from "../../core/executor.js";
import { wakeupOrDelay } from "../../core/idle-wait.js";
import { ChildSupervisor, type SupervisorOptions } from "../../supervisor/child-supervisor.js";
import { poolWorkerLauncher, type WorkerKind } from "../../supervisor/launchers.js";
import {
  maxIdleWaitMs,
  maxWorkers,
  minWorkers,
  type PoolSize,
  type ResizeContext,
  resizePool,
} from "./pool-sizing.js";
import { WorkerPool } from "./worker-pool.js";

/** How long stopping waits for workers to hand their work back before killing them (default). */
export const DEFAULT_STOP_GRACE_MS = 10_000;

/** What a pool executor is made of. */
export interface PoolExecutorOptions extends SupervisorOptions {
  /** Child processes or threads of this process. */
  readonly workerKind: WorkerKind;
  /** The runner class recorded in the workers' contexts. */
  readonly workerClass: string;
  readonly size: PoolSize;
  /** Invocations each worker runs at once. */
  readonly concurrency: number;
  /** Extra environment variables of child processes. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** How long stopping waits for workers to hand their work back before killing them. */
  readonly stopGraceMs?: number | undefined;
}

/** What a pool runner chooses: its workers, their number and their concurrency. */
export type PoolChoice = Pick<PoolExecutorOptions, "workerKind" | "workerClass" | "size" | "concurrency">;

/** The executor of a pool runner: `choice`, with the runner's options (app module, env, grace). */
export function poolExecutor(
  options: SupervisorOptions & Pick<PoolExecutorOptions, "env" | "stopGraceMs">,
  choice: PoolChoice,
): (host: RunnerHost) => PoolExecutor {
  return (host) => new PoolExecutor(host, { ...options, ...choice });
}

/**
 * Executes in a pool of workers (child processes or threads, each running an AsyncRunner);
 * the parent runs no task. Each loop pass reaps dead workers (handing back what they still
 * owned), keeps the pool at its size and waits for a worker event. Stopping asks every worker
 * to stop (each hands its work back), and kills those still alive after `stopGraceMs`.
 */
export class PoolExecutor implements RunnerExecutor {
  readonly supervisor: ChildSupervisor;
  private pool: WorkerPool | undefined;
  private readonly resize: ResizeContext;

  constructor(
    private readonly host: RunnerHost,
    private readonly options: PoolExecutorOptions,
  ) {
    this.supervisor = new ChildSupervisor(host, options);
    this.resize = {
      app: host.app,
      logger: host.logger,
      runnerId: host.runnerId,
      concurrency: options.concurrency,
      isRunning: () => host.isRunning,
    };
  }

  get maxParallelSlots(): number {
    return maxWorkers(this.options.size) * this.options.concurrency;
  }

  childRunnerIds(): string[] {
    return this.pool?.live.map((member) => member.context.runnerId) ?? [];
  }

  prepare(): void {
    this.supervisor.requireAppModule();
  }

  async start(): Promise<void> {
    const { workerKind, workerClass, concurrency, env } = this.options;
    this.pool = new WorkerPool({
      parentContext: this.host.runnerContext,
      workerClass,
      concurrency,
      launch: poolWorkerLauncher(workerKind, this.supervisor.requireAppModule(), env),
      supervisor: this.supervisor,
      logger: this.host.logger,
    });
    await this.pool.fillTo(minWorkers(this.options.size));
  }

  async iteration(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    await pool.reap();
    if (!this.host.isRunning) return;
    const { size } = this.options;
    const host = this.host;
    await pool.fillTo(minWorkers(size));
    await resizePool(pool, size, this.resize);
    const waitMs = Math.min(
      host.app.settings.runnerIdlePollMs,
      host.msUntilServicesDue(),
      maxIdleWaitMs(size),
    );
    await wakeupOrDelay(pool.events, Math.max(10, waitMs));
  }

  /** The parent runs no task: code waiting through it just waits. */
  async waitingForResults(_running: string | null, resultInvocationIds: readonly string[]): Promise<void> {
    await this.host.app.finality.waitForFinal(resultInvocationIds);
  }

  wake(): void {
    this.pool?.events.wake();
  }

  /** Stops every worker (they hand their work back), killing those still alive after the grace period. */
  async stop(): Promise<void> {
    await this.pool?.stopAll(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
  }

  async onHeartbeat(): Promise<void> {
    await this.reportChildHeartbeats();
  }

  /** The live workers' heartbeats, with their contexts (throttled). */
  async reportChildHeartbeats(): Promise<void> {
    await this.supervisor.reportHeartbeats(this.pool?.heartbeats() ?? []);
  }

  shutdownDetails(): string[] {
    const live = this.pool?.live ?? [];
    const processes = this.options.workerKind === "process";
    return [
      `${processes ? "processes" : "threads"} (${live.length}):`,
      ...live.map(
        (m) =>
          `  ${processes ? `pid:${m.link.pid} ` : ""}worker:${m.context.runnerId.slice(0, 8)} ${m.state} held:${m.held.length}`,
      ),
    ];
  }
}
