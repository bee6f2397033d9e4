/**
 * The demo app: what a user's tasks module looks like. A runner process loads it with
 * `tsnenc runner start --app examples/app.ts`; client code imports it to call the tasks.
 * No backend is configured: the app uses the embedded default, SQLite in `.tsnenc/tsnenc.db`.
 */
import { Tsnenc } from "../src/index.js";

export const app = new Tsnenc({ appId: "demo", loggingLevel: "warning" });

export const add = app.task("add", async (x: number, y: number) => x + y);

/** Awaits two sub-calls: paused while they run, so two slots are plenty. */
export const fib = app.task("fib", async (n: number): Promise<number> => {
  if (n < 2) return n;
  const [a, b] = await Promise.all([fib(n - 1).result(), fib(n - 2).result()]);
  return a + b;
});

class WarehouseBusy extends Error {
  override name = "WarehouseBusy";
}
app.registerErrorClasses(WarehouseBusy);

/** Fails twice per order, then succeeds: retried with exponential backoff. */
export const ship = app.task(
  "ship",
  async (order: string) => {
    const attempt = (attempts.get(order) ?? 0) + 1;
    attempts.set(order, attempt);
    if (attempt < 3) throw new WarehouseBusy(`warehouse busy (attempt ${attempt})`);
    return `order ${order} shipped on attempt ${attempt}`;
  },
  { maxRetries: 5, retryFor: [WarehouseBusy], retryDelayMs: 50, retryBackoffFactor: 2 },
);
const attempts = new Map<string, number>();
