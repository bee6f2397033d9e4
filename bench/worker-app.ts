/**
 * The benchmark app: a no-op task and fib with awaited sub-calls. The exported `app` takes its
 * backend and id from the environment (TSNENC__BACKEND, TSNENC__REDIS_URL / TSNENC__SQLITE_PATH,
 * TSNENC__APP_ID, TSNENC__MAX_CONCURRENCY), so `tsnenc runner start --app bench/worker-app.ts`
 * and bench/tsnenc-worker.ts run it; clients build their own copy with `benchApp`.
 */
import type { TsnencConfig, TsnencEnvironment } from "../src/index.js";
import { lib } from "./lib.js";

export function benchApp(config: TsnencConfig = {}, environment: TsnencEnvironment = {}) {
  const app = new lib.Tsnenc({ loggingLevel: "error", ...config }, environment);
  const noop = app.task("noop", async () => null);
  const fib = app.task("fib", async (n: number): Promise<number> => {
    if (n < 2) return n;
    const [a, b] = await Promise.all([fib(n - 1).result(), fib(n - 2).result()]);
    return a + b;
  });
  return { app, noop, fib };
}

export type BenchApp = ReturnType<typeof benchApp>;

export const { app } = benchApp();
