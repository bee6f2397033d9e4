import type { AppCore } from "../../engine/app-core.js";
import type { AppModuleRef } from "../child/app-module.js";
import { requireAppModule } from "../child/app-module.js";
import type { RunnerContext } from "../runner-context.js";
import {
  ChildHeartbeats,
  childInitOf,
  DEFAULT_STOP_GRACE_MS,
  processLauncher,
  refuseMemoryBackend,
  type SpawningRunnerOptions,
  threadLauncher,
  wakeupOrDelay,
} from "./pool-support.js";
import { type PoolMember, WorkerPool } from "./worker-pool.js";

/** What a pooled runner lends its workers: its app, context and BaseRunner's protected steps. */
export interface PoolHost {
  readonly app: AppCore;
  readonly runnerContext: RunnerContext;
  readonly runnerClass: string;
  /** BaseRunner.registerNewChildRunnerContext */
  readonly register: (context: RunnerContext) => Promise<void>;
  /** BaseRunner.killAndReroute */
  readonly reroute: (invocationId: string, context: RunnerContext) => Promise<void>;
}

export interface PoolSpec {
  /** Child processes or threads of this process. */
  readonly kind: "process" | "thread";
  /** The runner class recorded in the workers' contexts. */
  readonly workerClass: string;
  /** Invocations each worker's AsyncRunner runs at once. */
  readonly concurrency: number;
}

/**
 * The part every pooled runner (MultiProcessRunner, PersistentProcessRunner, ThreadRunner)
 * shares, held by the runner rather than inherited: checks before start, the pool's creation,
 * child heartbeats with contexts, the loop's wait and the stop.
 */
export class PooledWorkers {
  private current: WorkerPool | undefined;
  private readonly heartbeats: ChildHeartbeats;

  constructor(
    private readonly host: PoolHost,
    private readonly options: SpawningRunnerOptions,
  ) {
    this.heartbeats = new ChildHeartbeats(host.app);
  }

  get pool(): WorkerPool | undefined {
    return this.current;
  }

  /** Ids of the live workers. */
  get ids(): string[] {
    return this.current?.live.map((member) => member.context.runnerId) ?? [];
  }

  get live(): PoolMember[] {
    return this.current?.live ?? [];
  }

  /** Throws a RunnerError when the runner cannot start workers: no app module, memory backend. */
  check(appModule: AppModuleRef | undefined): AppModuleRef {
    const ref = requireAppModule(this.host.runnerClass, appModule);
    refuseMemoryBackend(this.host.app, this.host.runnerClass);
    return ref;
  }

  /** Creates the pool and starts `initial` workers. */
  async start(appModule: AppModuleRef, spec: PoolSpec, initial: number): Promise<WorkerPool> {
    const { app, runnerContext, register, reroute } = this.host;
    const launch =
      spec.kind === "process" ? processLauncher(appModule, this.options.env) : threadLauncher(appModule);
    const pool = new WorkerPool({
      parentContext: runnerContext,
      workerClass: spec.workerClass,
      concurrency: spec.concurrency,
      childInit: childInitOf(app, appModule),
      launch,
      register,
      reroute,
      ownersOf: async (ids) => {
        const statuses = await app.backend.orchestrator.getStatuses(ids);
        return new Map([...statuses].map(([id, status]) => [id, status.ownerId]));
      },
      logger: app.logger,
    });
    this.current = pool;
    await pool.fillTo(initial);
    return pool;
  }

  /** Reports the live workers' heartbeats (throttled). */
  async reportHeartbeats(): Promise<void> {
    await this.heartbeats.report(this.current?.heartbeats() ?? []);
  }

  /** The loop's idle wait: until a worker event, a wake-up, or `ms`. */
  async waitForEvent(ms: number): Promise<void> {
    if (this.current) await wakeupOrDelay(this.current.events, Math.max(10, ms));
  }

  wake(): void {
    this.current?.events.wake();
  }

  /** Stops every worker (they hand their work back), killing those still alive after the grace period. */
  async stop(): Promise<void> {
    await this.current?.stopAll(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS);
  }
}
