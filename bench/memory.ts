import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Tsnenc } from "../src/index.js";
import { lib } from "./lib.js";

const { AsyncRunner } = lib;

import { report, round } from "./report.js";

function newApp(): Tsnenc {
  return new lib.Tsnenc(
    { appId: `bench-${randomUUID()}`, backend: "memory", loggingLevel: "error" },
    { env: {} },
  );
}

async function withRunner<T>(app: Tsnenc, maxConcurrency: number, body: () => Promise<T>): Promise<T> {
  const runner = new AsyncRunner(app, { maxConcurrency, handleSignals: false });
  const done = runner.run();
  try {
    return await body();
  } finally {
    runner.stopRunnerLoop();
    await done;
  }
}

/** Memory backend + AsyncRunner: no-op enqueue then drain, and fib(15) with awaited sub-calls. */
export async function memorySuite(): Promise<void> {
  const tasks = 20_000;
  const concurrency = 50;
  {
    const app = newApp();
    const noop = app.task("noop", async () => null);
    const t0 = performance.now();
    const group = await noop.parallelize(Array.from({ length: tasks }, () => [] as []));
    const registered = performance.now();
    await withRunner(app, concurrency, () => group.all());
    const drained = performance.now();
    report({
      suite: "memory",
      bench: "noop_enqueue_then_drain",
      tasks,
      concurrency,
      enqueue_ms: round(registered - t0),
      drain_ms: round(drained - registered),
      enqueue_per_s: Math.round(tasks / ((registered - t0) / 1000)),
      drain_per_s: Math.round(tasks / ((drained - registered) / 1000)),
      end_to_end_per_s: Math.round(tasks / ((drained - t0) / 1000)),
    });
    await app.close();
  }
  await parallelizeBench(false);
  await parallelizeBench(true);
  {
    const app = newApp();
    const fib = app.task("fib", async (n: number): Promise<number> => {
      if (n < 2) return n;
      const [a, b] = await Promise.all([fib(n - 1).result(), fib(n - 2).result()]);
      return a + b;
    });
    const t0 = performance.now();
    const value = await withRunner(app, concurrency, () => fib(15).result());
    const elapsed = performance.now() - t0;
    report({ suite: "memory", bench: "fib15", concurrency, value, invocations: 1973, ms: round(elapsed) });
    await app.close();
  }
}

/** parallelize of 10,000 no-op calls: registration then drain, without and with a 100 kB commonArgs. */
async function parallelizeBench(withCommonArgs: boolean): Promise<void> {
  const calls = 10_000;
  const app = newApp();
  const noop = app.task("noop", async (_job: { index: number; blob?: string }) => null);
  const argsList = Array.from({ length: calls }, (_, index) => [{ index }] as [{ index: number }]);
  const t0 = performance.now();
  const group = withCommonArgs
    ? await noop.parallelize(argsList, { commonArgs: { blob: "z".repeat(100 * 1024) } })
    : await noop.parallelize(argsList);
  const registered = performance.now();
  await withRunner(app, 50, () => group.all());
  const drained = performance.now();
  report({
    suite: "memory",
    bench: withCommonArgs ? "parallelize_10k_common_100kB" : "parallelize_10k",
    calls,
    register_ms: round(registered - t0),
    drain_ms: round(drained - registered),
    register_per_s: Math.round(calls / ((registered - t0) / 1000)),
    drain_per_s: Math.round(calls / ((drained - registered) / 1000)),
  });
  await app.close();
}
