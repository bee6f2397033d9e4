/**
 * BullMQ as a benchmarked system, on the same Redis as tsnenc: a Queue (and, for awaited
 * results, QueueEvents) in this process, a Worker in bench/bullmq-worker.ts's process. Every
 * run uses its own key prefix; `cleanup` deletes it.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue, QueueEvents, type RedisOptions } from "bullmq";
import { Redis } from "ioredis";
import { WorkerProcess, type WorkerStats } from "./processes.js";
import type { DrainFigures, Session, System } from "./session.js";
import { timeSequential } from "./session.js";

/** Job data: `n` for fib (the step pattern adds `step`), nothing for no-ops. */
export interface BenchJob {
  n?: number;
  step?: "sum";
}

/** ioredis options from a `redis://[user:password@]host:port[/db]` URL. */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || "127.0.0.1",
    port: Number(parsed.port || 6379),
    db: Number(parsed.pathname.slice(1) || 0),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export class BullmqSystem implements System {
  private queues = 0;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
  ) {}

  async open(concurrency: number): Promise<Session> {
    const name = `q${++this.queues}`;
    const connection = redisOptions(this.url);
    const worker = new WorkerProcess("./bullmq-worker.ts", {
      BENCH_BULLMQ_URL: this.url,
      BENCH_BULLMQ_PREFIX: this.prefix,
      BENCH_BULLMQ_QUEUE: name,
      BENCH_BULLMQ_CONCURRENCY: String(concurrency),
    });
    const queue = new Queue<BenchJob, number | null>(name, { connection, prefix: this.prefix });
    try {
      await Promise.all([worker.ready, queue.waitUntilReady()]);
    } catch (error) {
      worker.kill();
      await queue.close();
      throw error;
    }
    return new BullmqSession(queue, worker, () => new QueueEvents(name, { connection, prefix: this.prefix }));
  }

  /** Deletes every key under the run's prefix. */
  async cleanup(): Promise<void> {
    const redis = new Redis(redisOptions(this.url));
    try {
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", `${this.prefix}:*`, "COUNT", 1000);
        if (found.length > 0) await redis.unlink(...found);
        cursor = next;
      } while (cursor !== "0");
    } finally {
      redis.disconnect();
    }
  }
}

class BullmqSession implements Session {
  private events: QueueEvents | undefined;

  constructor(
    private readonly queue: Queue<BenchJob, number | null>,
    private readonly worker: WorkerProcess,
    private readonly newEvents: () => QueueEvents,
  ) {}

  private addNoops(tasks: number): Promise<unknown> {
    return this.queue.addBulk(Array.from({ length: tasks }, () => ({ name: "noop", data: {} })));
  }

  /** Polls the completed count (every 5 ms) until it reaches `target`; fails on any failed job. */
  private async completed(target: number): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts("completed", "failed");
      if ((counts.failed ?? 0) > 0) throw new Error(`${counts.failed} BullMQ job(s) failed`);
      if ((counts.completed ?? 0) >= target) return;
      await sleep(5);
    }
  }

  async drain(tasks: number): Promise<DrainFigures> {
    const t0 = performance.now();
    await this.addNoops(tasks);
    const registered = performance.now();
    this.worker.go();
    await this.worker.watch(this.completed(tasks));
    return { tasks, registerMs: registered - t0, drainMs: performance.now() - registered };
  }

  start(): void {
    this.worker.go();
  }

  async endToEnd(tasks: number): Promise<DrainFigures> {
    const before = await this.queue.getCompletedCount();
    const t0 = performance.now();
    await this.addNoops(tasks);
    const registered = performance.now();
    await this.worker.watch(this.completed(before + tasks));
    return { tasks, registerMs: registered - t0, drainMs: performance.now() - registered };
  }

  private async queueEvents(): Promise<QueueEvents> {
    this.events ??= this.newEvents();
    await this.events.waitUntilReady();
    return this.events;
  }

  async roundTrips(count: number): Promise<number[]> {
    const events = await this.queueEvents();
    return timeSequential(count, async () => {
      const job = await this.queue.add("noop", {});
      await this.worker.watch(job.waitUntilFinished(events));
    });
  }

  async fib(n: number): Promise<{ value: number; ms: number }> {
    const events = await this.queueEvents();
    const t0 = performance.now();
    const job = await this.queue.add("fib", { n });
    const value = await this.worker.watch(job.waitUntilFinished(events));
    return { value: value ?? Number.NaN, ms: performance.now() - t0 };
  }

  close(): Promise<WorkerStats> {
    return this.worker.stopThen(async () => {
      await this.events?.close();
      await this.queue.close();
    });
  }
}
