/**
 * Redis: tsnenc against BullMQ, one after the other on the same Redis in the same run, workers
 * in their own processes. Each line carries both figures, `ratio` = tsnenc / BullMQ and which
 * direction is `better`. Tasks per drain: BENCH_REDIS_TASKS (default 10,000 so the suite fits
 * in ~3 minutes on a 2-core machine; the size is 20,000); the concurrency-1 drain, bound
 * by per-task latency, uses a tenth of that.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { BullmqSystem, redisOptions } from "./bullmq.js";
import type { WorkerStats } from "./processes.js";
import { report, round } from "./report.js";
import {
  type DrainFigures,
  latencySummary,
  perSecond,
  type Session,
  type System,
  withSession,
} from "./session.js";
import { TsnencSystem } from "./tsnenc-side.js";

const CONCURRENCIES = [1, 10, 50];
const SESSION_CONCURRENCY = 50;
const ROUND_TRIPS = 500;
const FIB_N = 15;

async function unreachable(url: string): Promise<string | undefined> {
  const redis = new Redis({
    ...redisOptions(url),
    lazyConnect: true,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on("error", (error: unknown) => {
    lastError = error;
  });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    const cause = lastError ?? error;
    return `redis at ${url} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`;
  } finally {
    redis.disconnect();
  }
}

function compare(
  bench: string,
  unit: string,
  better: "higher" | "lower",
  tsnenc: number,
  bullmq: number,
  extra: Record<string, unknown> = {},
): void {
  const figures = { tsnenc: round(tsnenc, 2), bullmq: round(bullmq, 2), ratio: round(tsnenc / bullmq, 3) };
  report({ suite: "redis", bench, ...extra, unit, ...figures, better });
}

interface SessionFigures {
  endToEnd: DrainFigures;
  roundTrips: number[];
  fib: { value: number; ms: number };
}

/** One worker at concurrency 50: enqueue + drain end to end, round trips, fib. */
async function sessionFigures(session: Session, tasks: number): Promise<SessionFigures> {
  session.start();
  const endToEnd = await session.endToEnd(tasks);
  const roundTrips = await session.roundTrips(ROUND_TRIPS);
  const fib = await session.fib(FIB_N);
  return { endToEnd, roundTrips, fib };
}

function reportDrain(concurrency: number, t: DrainFigures, b: DrainFigures, rss: WorkerStats[]): void {
  compare(
    "drain_preregistered",
    "tasks/s",
    "higher",
    perSecond(t.tasks, t.drainMs),
    perSecond(b.tasks, b.drainMs),
    {
      tasks: t.tasks,
      concurrency,
      tsnenc_drain_ms: round(t.drainMs),
      bullmq_drain_ms: round(b.drainMs),
      tsnenc_worker_peak_rss_mb: rss[0]?.maxRssMb,
      bullmq_worker_peak_rss_mb: rss[1]?.maxRssMb,
    },
  );
}

function reportSession(t: SessionFigures, b: SessionFigures, rss: [WorkerStats, WorkerStats]): void {
  const total = (d: DrainFigures): number => d.registerMs + d.drainMs;
  const [te, be] = [t.endToEnd, b.endToEnd];
  compare(
    "enqueue_and_drain",
    "tasks/s",
    "higher",
    perSecond(te.tasks, total(te)),
    perSecond(be.tasks, total(be)),
    {
      tasks: te.tasks,
      concurrency: SESSION_CONCURRENCY,
      tsnenc_enqueue_ms: round(te.registerMs),
      bullmq_enqueue_ms: round(be.registerMs),
      tsnenc_total_ms: round(total(te)),
      bullmq_total_ms: round(total(be)),
    },
  );
  const [tl, bl] = [latencySummary(t.roundTrips), latencySummary(b.roundTrips)];
  for (const p of ["p50", "p95", "p99"] as const) {
    compare(`round_trip_${p}`, "ms", "lower", tl[p], bl[p], { calls: ROUND_TRIPS });
  }
  compare(`fib${FIB_N}`, "ms", "lower", t.fib.ms, b.fib.ms, {
    concurrency: SESSION_CONCURRENCY,
    invocations: 1973,
    tsnenc_value: t.fib.value,
    bullmq_value: b.fib.value,
  });
  compare("worker_peak_rss", "MB", "lower", rss[0].maxRssMb, rss[1].maxRssMb, {
    worker: `concurrency ${SESSION_CONCURRENCY}: enqueue_and_drain + round trips + fib`,
    tsnenc_ready_rss_mb: rss[0].readyRssMb,
    bullmq_ready_rss_mb: rss[1].readyRssMb,
  });
}

export async function redisSuite(): Promise<void> {
  const url = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const tasks = Number(process.env.BENCH_REDIS_TASKS ?? 10_000);
  const problem = await unreachable(url);
  if (problem) {
    report({ suite: "redis", skipped: problem });
    return;
  }
  const run = randomUUID().slice(0, 8);
  const tsnenc: System = new TsnencSystem(
    `redis-${run}`,
    { backend: "redis", redisUrl: url },
    { TSNENC__BACKEND: "redis", TSNENC__REDIS_URL: url },
  );
  const bullmq = new BullmqSystem(url, `bench-bullmq-${run}`);
  try {
    for (const concurrency of CONCURRENCIES) {
      const size = concurrency === 1 ? Math.ceil(tasks / 10) : tasks;
      const t = await withSession(tsnenc, concurrency, (s) => s.drain(size));
      const b = await withSession(bullmq, concurrency, (s) => s.drain(size));
      reportDrain(concurrency, t.value, b.value, [t.worker, b.worker]);
    }
    const t = await withSession(tsnenc, SESSION_CONCURRENCY, (s) => sessionFigures(s, tasks));
    const b = await withSession(bullmq, SESSION_CONCURRENCY, (s) => sessionFigures(s, tasks));
    reportSession(t.value, b.value, [t.worker, b.worker]);
  } finally {
    await bullmq.cleanup();
  }
}
