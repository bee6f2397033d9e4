/** tsnenc as a benchmarked system: a client app in this process, a runner in a worker process. */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { TsnencConfig } from "../src/index.js";
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
   * Timed until every invocation is final (as BullMQ's side waits for its completed count);
   * the results are read and checked afterwards, untimed.
   */
  async drain(tasks: number): Promise<DrainFigures> {
    const t0 = performance.now();
    const group = await this.client.noop.parallelize(Array.from({ length: tasks }, () => [] as []));
    const registered = performance.now();
    const final = this.allFinal(group);
    const started = performance.now();
    this.worker.go();
    await this.worker.watch(final);
    const drainMs = performance.now() - started;
    await this.checkResults(group, tasks);
    return { tasks, registerMs: registered - t0, drainMs };
  }

  private allFinal(group: { invocations: ReadonlyArray<{ invocationId: string }> }): Promise<void> {
    return this.client.app.finality.waitForFinal(group.invocations.map((inv) => inv.invocationId));
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
    const t0 = performance.now();
    const group = await this.client.noop.parallelize(Array.from({ length: tasks }, () => [] as []));
    const registered = performance.now();
    await this.worker.watch(this.allFinal(group));
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
