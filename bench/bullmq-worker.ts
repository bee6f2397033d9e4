/**
 * A BullMQ worker process: no-ops, and fib(n) where each job awaits two child jobs.
 *
 * fib uses the documented "process step jobs" pattern with `moveToWaitingChildren`
 * (docs.bullmq.io/patterns/process-step-jobs): the job adds its two children (with `parent`),
 * records `step: "sum"`, then moves itself to waiting-children, giving its concurrency slot
 * back; BullMQ re-queues it once both children completed and it sums `getChildrenValues()`.
 * This is the fair equivalent of a tsnenc task awaiting two sub-task results (PAUSED, slot
 * freed, RESUMED when they are final) — the children are created at run time by the parent.
 * FlowProducer was not used: it builds the whole tree up front, which is not a task awaiting
 * sub-calls it decides on while running.
 */
import { type Job, Queue, WaitingChildrenError, Worker } from "bullmq";
import { type BenchJob, redisOptions } from "./bullmq.js";
import { serveWorker } from "./processes.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const connection = redisOptions(env("BENCH_BULLMQ_URL"));
const prefix = env("BENCH_BULLMQ_PREFIX");
const name = env("BENCH_BULLMQ_QUEUE");
const concurrency = Number(env("BENCH_BULLMQ_CONCURRENCY"));
const queue = new Queue<BenchJob, number | null>(name, { connection, prefix });

async function fib(job: Job<BenchJob, number | null>, token: string | undefined): Promise<number> {
  const n = job.data.n ?? 0;
  if (n < 2) return n;
  if (job.data.step !== "sum") {
    if (job.id === undefined) throw new Error("fib job without an id");
    const parent = { id: job.id, queue: job.queueQualifiedName };
    await queue.addBulk([
      { name: "fib", data: { n: n - 1 }, opts: { parent } },
      { name: "fib", data: { n: n - 2 }, opts: { parent } },
    ]);
    await job.updateData({ n, step: "sum" });
  }
  if (token === undefined) throw new Error("fib job without a lock token");
  if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
  const values = await job.getChildrenValues<number>();
  return Object.values(values).reduce((sum, value) => sum + value, 0);
}

const worker = new Worker<BenchJob, number | null>(
  name,
  async (job, token) => (job.name === "fib" ? fib(job, token) : null),
  { connection, prefix, concurrency, autorun: false },
);
await Promise.all([worker.waitUntilReady(), queue.waitUntilReady()]);

let running: Promise<void> = Promise.resolve();
serveWorker({
  start() {
    running = worker.run();
  },
  async stop() {
    await worker.close();
    await running;
    await queue.close();
  },
});
