/** What each system under test (tsnenc on a backend, BullMQ) offers the suites. */
import { performance } from "node:perf_hooks";
import type { WorkerStats } from "./processes.js";
import { percentile, round } from "./report.js";

export interface DrainFigures {
  tasks: number;
  /** Client-side registration of the batch (parallelize / addBulk). */
  registerMs: number;
  /** From the worker's start (or the end of registration) until the client sees all results. */
  drainMs: number;
}

/** A client plus one worker process (not consuming until `start` or `drain`). */
export interface Session {
  /** Registers `tasks` no-ops with the worker idle, then starts it and times the drain. */
  drain(tasks: number): Promise<DrainFigures>;
  /** Starts the worker consuming. */
  start(): void;
  /** With the worker consuming: registers `tasks` no-ops and waits for all their results. */
  endToEnd(tasks: number): Promise<DrainFigures>;
  /** `count` sequential register-then-await-result round trips, in ms each. */
  roundTrips(count: number): Promise<number[]>;
  /** fib(n) where each call awaits two sub-calls; its value and wall time. */
  fib(n: number): Promise<{ value: number; ms: number }>;
  /** Stops the worker, deletes the session's data, closes the client; the worker's memory. */
  close(): Promise<WorkerStats>;
}

export interface System {
  /** A fresh queue / app id and a worker process at `concurrency`, ready but idle. */
  open(concurrency: number): Promise<Session>;
}

/** Runs `body` on a new session and always closes it; the body's result and the worker's memory. */
export async function withSession<T>(
  system: System,
  concurrency: number,
  body: (session: Session) => Promise<T>,
): Promise<{ value: T; worker: WorkerStats }> {
  const session = await system.open(concurrency);
  let value: T;
  try {
    value = await body(session);
  } catch (error) {
    await session.close().catch(() => undefined);
    throw error;
  }
  return { value, worker: await session.close() };
}

/** Times `count` sequential calls after `warmup` untimed ones. */
export async function timeSequential(
  count: number,
  call: () => Promise<unknown>,
  warmup = 10,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return times;
}

export function latencySummary(times: readonly number[]): { p50: number; p95: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), 2),
    p95: round(percentile(sorted, 95), 2),
    p99: round(percentile(sorted, 99), 2),
  };
}

export const perSecond = (tasks: number, ms: number): number => Math.round(tasks / (ms / 1000));
