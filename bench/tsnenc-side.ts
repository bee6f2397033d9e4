/** tsnenc as a benchmarked system: a client app in this process, a runner in a worker process. */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { TsnencConfig } from "../src/index.js";
import { lib } from "./lib.js";
import { WorkerProcess, type WorkerStats } from "./processes.js";
import type { DrainFigures, Session, System } from "./session.js";
import { timeSequential } from "./session.js";
import { type BenchApp, benchApp } from "./worker-app.js";

export class TsnencSystem implements System {
  /**
   * @param config the client's backend config (`backend`, `redisUrl` / `sqlitePath`)
   * @param workerEnv the same for the worker process, as TSNENC__* variables
   */
  constructor(
    private readonly label: string,
    private readonly config: TsnencConfig,
    private readonly workerEnv: Record<string, string>,
  ) {}

  async open(concurrency: number): Promise<Session> {
    const appId = `bench-${this.label}-${randomUUID().slice(0, 8)}`;
    const client = benchApp({ ...this.config, appId }, { env: {} });
    const worker = new WorkerProcess("./tsnenc-worker.ts", {
      ...this.workerEnv,
      TSNENC__APP_ID: appId,
      TSNENC__MAX_CONCURRENCY: String(concurrency),
      TSNENC__LOGGING_LEVEL: "error",
    });
    try {
      await worker.ready;
    } catch (error) {
      await client.app.close();
      throw error;
    }
    return new TsnencSession(client, worker);
  }
}

class TsnencSession implements Session {
  constructor(
    private readonly client: BenchApp,
    private readonly worker: WorkerProcess,
  ) {}

  /**
   * Timed until every invocation succeeded, seen as BullMQ's side sees its jobs complete: by
   * polling a count every 5 ms (here the status counts); the results are read and checked
   * afterwards, untimed.
   */
  async drain(tasks: number): Promise<DrainFigures> {
    const t0 = performance.now();
    const group = await this.client.noop.parallelize(Array.from({ length: tasks }, () => [] as []));
    const registered = performance.now();
    this.worker.go();
    await this.worker.watch(this.succeeded(tasks));
    const drainMs = performance.now() - registered;
    await this.checkResults(group, tasks);
    return { tasks, registerMs: registered - t0, drainMs };
  }

  /** Polls the status counts every 5 ms until `target` invocations succeeded; fails on any failure. */
  private async succeeded(target: number): Promise<void> {
    for (;;) {
      const counts = await this.client.app.backend.orchestrator.countByStatus();
      const failed = counts.get(lib.InvocationStatus.FAILED) ?? 0;
      if (failed > 0) throw new Error(`${failed} tsnenc invocation(s) failed`);
      if ((counts.get(lib.InvocationStatus.SUCCESS) ?? 0) >= target) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async checkResults(group: { all(): Promise<unknown[]> }, tasks: number): Promise<void> {
    const results = await group.all();
    if (results.length !== tasks || results.some((r) => r !== null))
      throw new Error(`tsnenc: expected ${tasks} null results`);
  }

  start(): void {
    this.worker.go();
  }

  async endToEnd(tasks: number): Promise<DrainFigures> {
    const before =
      (await this.client.app.backend.orchestrator.countByStatus()).get(lib.InvocationStatus.SUCCESS) ?? 0;
    const t0 = performance.now();
    const group = await this.client.noop.parallelize(Array.from({ length: tasks }, () => [] as []));
    const registered = performance.now();
    await this.worker.watch(this.succeeded(before + tasks));
    const drainMs = performance.now() - registered;
    await this.checkResults(group, tasks);
    return { tasks, registerMs: registered - t0, drainMs };
  }

  roundTrips(count: number): Promise<number[]> {
    return timeSequential(count, () => this.worker.watch(this.client.noop().result()));
  }

  async fib(n: number): Promise<{ value: number; ms: number }> {
    const t0 = performance.now();
    const value = await this.worker.watch(this.client.fib(n).result());
    return { value, ms: performance.now() - t0 };
  }

  close(): Promise<WorkerStats> {
    return this.worker.stopThen(async () => {
      await this.client.app.backend.purge();
      await this.client.app.close();
    });
  }
}
