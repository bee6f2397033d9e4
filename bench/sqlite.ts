/**
 * SQLite backend: 10,000 no-ops registered by this (client) process with `parallelize`, drained by
 * ONE runner process at concurrency 50; then 500 sequential register-then-await round trips.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, round } from "./report.js";
import { latencySummary, perSecond, withSession } from "./session.js";
import { TsnencSystem } from "./tsnenc-side.js";

const TASKS = 10_000;
const CONCURRENCY = 50;
const ROUND_TRIPS = 500;

async function unavailable(): Promise<string | undefined> {
  try {
    await import("better-sqlite3");
    return undefined;
  } catch (error) {
    return `better-sqlite3 cannot be loaded: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function sqliteSuite(): Promise<void> {
  const problem = await unavailable();
  if (problem) {
    report({ suite: "sqlite", skipped: problem });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "tsnenc-bench-sqlite-"));
  const sqlitePath = join(dir, "bench.db");
  const system = new TsnencSystem(
    "sqlite",
    { backend: "sqlite", sqlitePath },
    { TSNENC__BACKEND: "sqlite", TSNENC__SQLITE_PATH: sqlitePath },
  );
  try {
    const { worker } = await withSession(system, CONCURRENCY, async (session) => {
      const drain = await session.drain(TASKS);
      report({
        suite: "sqlite",
        bench: "noop_register_then_drain",
        tasks: TASKS,
        concurrency: CONCURRENCY,
        worker_processes: 1,
        register_ms: round(drain.registerMs),
        drain_ms: round(drain.drainMs),
        register_per_s: perSecond(TASKS, drain.registerMs),
        drain_per_s: perSecond(TASKS, drain.drainMs),
        end_to_end_per_s: perSecond(TASKS, drain.registerMs + drain.drainMs),
      });
      const times = await session.roundTrips(ROUND_TRIPS);
      report({ suite: "sqlite", bench: "round_trip_ms", calls: ROUND_TRIPS, ...latencySummary(times) });
    });
    report({
      suite: "sqlite",
      bench: "worker_memory_mb",
      ready_rss: worker.readyRssMb,
      peak_rss: worker.maxRssMb,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
