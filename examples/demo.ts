/**
 * The quick-start demo (`npm start`): an app with three tasks, a runner in this process, and
 * a client that registers work and waits for it. It prints what happens, then exits 0.
 */
import { AsyncRunner, Tsnenc } from "../src/index.js";

const app = new Tsnenc({ appId: "demo", loggingLevel: "warning" });

const add = app.task("add", async (x: number, y: number) => x + y);

// A task that awaits other tasks: it is paused while they run, so one slot is enough.
const fib = app.task("fib", async (n: number): Promise<number> => {
  if (n < 2) return n;
  const [a, b] = await Promise.all([fib(n - 1).result(), fib(n - 2).result()]);
  return a + b;
});

let attempts = 0;
const flaky = app.task(
  "flaky",
  async (order: string) => {
    attempts++;
    if (attempts < 3) throw new Error(`warehouse busy (attempt ${attempts})`);
    return `order ${order} shipped after ${attempts} attempts`;
  },
  { maxRetries: 5, retryFor: [Error], retryDelayMs: 50, retryBackoffFactor: 2 },
);

const runner = new AsyncRunner(app, { maxConcurrency: 2 });
const running = runner.run();
console.log(`runner ${runner.runnerId.slice(0, 8)} started with ${runner.maxParallelSlots} slots`);

const sum = await add(1, 2);
console.log(`add(1, 2) registered as ${sum.invocationId.slice(0, 8)} -> ${await sum.result()}`);
console.log(`  history: ${(await sum.history()).map((h) => h.status).join(" -> ")}`);

const started = Date.now();
const fib12 = await fib(12);
console.log(`fib(12) on 2 slots -> ${await fib12.result()} (${Date.now() - started} ms, 465 invocations)`);
console.log(`  history: ${(await fib12.history()).map((h) => h.status).join(" -> ")}`);

const group = await add.parallelize([
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 4],
]);
console.log(`parallelize add x4 -> ${JSON.stringify(await group.all())}`);

const shipped = await flaky("A-17");
console.log(`flaky("A-17") -> ${await shipped.result()} (retries: ${await shipped.numRetries()})`);

runner.stopRunnerLoop();
await running;
await app.close();
console.log("runner stopped; demo done");
