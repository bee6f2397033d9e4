/**
 * Redis: tsnenc against BullMQ, one after the other on the same Redis in the same run, workers
 * in their own processes. Each line carries both figures, `ratio` = tsnenc / BullMQ and which
 * direction is `better`. Tasks per drain: BENCH_REDIS_TASKS (default 10,000 so the suite fits
 * in ~3 minutes on a 2-core machine; the README's figures use 20,000); the concurrency-1 drain, bound
 * by per-task latency, uses a tenth of that. Every figure is measured BENCH_ROUNDS times (default
 * 3; the systems take turns going first) and reported as the median of each side and the median
 * of the rounds' ratios, with every round's pair: on a small shared machine one run's ratio can
 * be off by 20 %.
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

/** The median of `values` (the lower middle for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

/**
 * Prints one comparison: the median of each side over the rounds, the median of the rounds'
 * ratios (`ratio`) and the ratio of the medians, and every round's pair (`runs`: [tsnenc,
 * BullMQ] per round) so the spread is visible.
 */
function compare(
  bench: string,
  unit: string,
  better: "higher" | "lower",
  pairs: ReadonlyArray<readonly [number, number]>,
  extra: Record<string, unknown> = {},
): void {
  const tsnenc = median(pairs.map((p) => p[0]));
  const bullmq = median(pairs.map((p) => p[1]));
  const figures = {
    tsnenc: round(tsnenc, 2),
    bullmq: round(bullmq, 2),
    // Each round's two figures were taken minutes apart at most; the median of those paired
    // ratios is robust to the machine getting faster or slower between rounds.
    ratio: round(median(pairs.map(([t, b]) => t / b)), 3),
    ratio_of_medians: round(tsnenc / bullmq, 3),
  };
  const runs = pairs.map(([t, b]) => [round(t, 2), round(b, 2)]);
  report({ suite: "redis", bench, ...extra, unit, ...figures, better, rounds: pairs.length, runs });
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

/** What one round measured of one system. */
interface RoundFigures {
  drains: Map<number, { figures: DrainFigures; worker: WorkerStats }>;
  session: { figures: SessionFigures; worker: WorkerStats };
}

type Pair<T> = readonly [T, T];

const cpuPerTask = (worker: WorkerStats, drain: DrainFigures): number =>
  round((worker.workCpuMs * 1000) / drain.tasks, 1);

function reportDrains(rounds: ReadonlyArray<Pair<RoundFigures>>): void {
  for (const concurrency of CONCURRENCIES) {
    const drains = rounds.map(([t, b]) => {
      const td = t.drains.get(concurrency);
      const bd = b.drains.get(concurrency);
      if (!td || !bd) throw new Error(`no drain at concurrency ${concurrency}`);
      return [td, bd] as const;
    });
    const first = drains[0]?.[0].figures;
    compare(
      "drain_preregistered",
      "tasks/s",
      "higher",
      drains.map(([t, b]) => [
        perSecond(t.figures.tasks, t.figures.drainMs),
        perSecond(b.figures.tasks, b.figures.drainMs),
      ]),
      {
        tasks: first?.tasks,
        concurrency,
        tsnenc_worker_peak_rss_mb: median(drains.map(([t]) => t.worker.maxRssMb)),
        bullmq_worker_peak_rss_mb: median(drains.map(([, b]) => b.worker.maxRssMb)),
        // The worker's CPU from the start of the drain to its exit, per task.
        tsnenc_worker_cpu_us_per_task: median(drains.map(([t]) => cpuPerTask(t.worker, t.figures))),
        bullmq_worker_cpu_us_per_task: median(drains.map(([, b]) => cpuPerTask(b.worker, b.figures))),
      },
    );
  }
}

function reportSessions(rounds: ReadonlyArray<Pair<RoundFigures>>, tasks: number): void {
  const sessions = rounds.map(([t, b]) => [t.session, b.session] as const);
  const total = (d: DrainFigures): number => d.registerMs + d.drainMs;
  compare(
    "enqueue_and_drain",
    "tasks/s",
    "higher",
    sessions.map(([t, b]) => [
      perSecond(t.figures.endToEnd.tasks, total(t.figures.endToEnd)),
      perSecond(b.figures.endToEnd.tasks, total(b.figures.endToEnd)),
    ]),
    { tasks, concurrency: SESSION_CONCURRENCY },
  );
  for (const p of ["p50", "p95", "p99"] as const) {
    compare(
      `round_trip_${p}`,
      "ms",
      "lower",
      sessions.map(([t, b]) => [
        latencySummary(t.figures.roundTrips)[p],
        latencySummary(b.figures.roundTrips)[p],
      ]),
      { calls: ROUND_TRIPS },
    );
  }
  compare(
    `fib${FIB_N}`,
    "ms",
    "lower",
    sessions.map(([t, b]) => [t.figures.fib.ms, b.figures.fib.ms]),
    {
      concurrency: SESSION_CONCURRENCY,
      invocations: 1973,
      tsnenc_value: sessions[0]?.[0].figures.fib.value,
      bullmq_value: sessions[0]?.[1].figures.fib.value,
    },
  );
  compare(
    "worker_peak_rss",
    "MB",
    "lower",
    sessions.map(([t, b]) => [t.worker.maxRssMb, b.worker.maxRssMb]),
    {
      worker: `concurrency ${SESSION_CONCURRENCY}: enqueue_and_drain + round trips + fib`,
      tsnenc_ready_rss_mb: median(sessions.map(([t]) => t.worker.readyRssMb)),
      bullmq_ready_rss_mb: median(sessions.map(([, b]) => b.worker.readyRssMb)),
    },
  );
}

/** One round: every drain, then the session, for both systems (`order` says which goes first). */
async function runRound(systems: Pair<System>, order: 0 | 1, tasks: number): Promise<Pair<RoundFigures>> {
  const sides = order === 0 ? ([0, 1] as const) : ([1, 0] as const);
  const drains: Pair<RoundFigures["drains"]> = [new Map(), new Map()];
  for (const concurrency of CONCURRENCIES) {
    const size = concurrency === 1 ? Math.ceil(tasks / 10) : tasks;
    for (const side of sides) {
      const run = await withSession(systems[side], concurrency, (s) => s.drain(size));
      drains[side].set(concurrency, { figures: run.value, worker: run.worker });
    }
  }
  const sessions: Array<RoundFigures["session"]> = [];
  for (const side of sides) {
    const run = await withSession(systems[side], SESSION_CONCURRENCY, (s) => sessionFigures(s, tasks));
    sessions[side] = { figures: run.value, worker: run.worker };
  }
  const [t, b] = sessions;
  if (!t || !b) throw new Error("a session did not run");
  return [
    { drains: drains[0], session: t },
    { drains: drains[1], session: b },
  ];
}

export async function redisSuite(): Promise<void> {
  const url = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  const tasks = Number(process.env.BENCH_REDIS_TASKS ?? 10_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`BENCH_ROUNDS must be an integer >= 1, got '${process.env.BENCH_ROUNDS}'`);
  }
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
    const results: Array<Pair<RoundFigures>> = [];
    // Alternating which system goes first cancels the advantage of going first or second.
    for (let r = 0; r < rounds; r++)
      results.push(await runRound([tsnenc, bullmq], r % 2 === 0 ? 0 : 1, tasks));
    reportDrains(results);
    reportSessions(results, tasks);
  } finally {
    await bullmq.cleanup();
  }
}
