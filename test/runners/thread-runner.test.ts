import { describe, expect, it } from "vitest";
import type { Tsnenc } from "../../src/index.js";
import { APP_MODULE, fixtures, mostExecutingAtOnce, tsnenc, useRunnerTestEnv, within } from "./helpers.js";
import { describeRunnerSuite, type MakeRunner } from "./runner-suite.js";

const { MultiProcessRunner, ProcessRunner, ThreadRunner } = tsnenc;
const { app, fib } = fixtures;

/** A fresh app of the compiled copy on the memory backend. */
function createMemoryApp(): Tsnenc {
  return new tsnenc.Tsnenc({ appId: `memory-${Date.now()}`, backend: "memory", loggingLevel: "error" });
}

const makeThreadRunner: MakeRunner = (app, appModule) =>
  new ThreadRunner(app, { handleSignals: false, appModule, numThreads: 2, concurrency: 2 });

await describeRunnerSuite("ThreadRunner", makeThreadRunner);
await describeRunnerSuite("ThreadRunner", makeThreadRunner, { backend: "redis" });

describe("ThreadRunner", () => {
  const env = useRunnerTestEnv();

  it("fib(8) completes on 2 threads of 1 slot each", { timeout: 90_000 }, async () => {
    const started = env.start(
      new ThreadRunner(app, { handleSignals: false, appModule: APP_MODULE, numThreads: 2, concurrency: 1 }),
    );
    expect(await within(fib(8).result(), 80_000, "fib(8)")).toBe(21);
    expect(await mostExecutingAtOnce()).toBeLessThanOrEqual(2);
    await started.stop();
  });

  it("refuses to start without the app's module, saying how to give it", async () => {
    const runner = new ThreadRunner(app, { handleSignals: false });
    await expect(runner.run()).rejects.toThrow(/appModule[\s\S]*--app FILE#EXPORT --runner ThreadRunner/);
  });

  it.each([
    ["ThreadRunner", (a: Tsnenc) => new ThreadRunner(a, { handleSignals: false, appModule: APP_MODULE })],
    ["ProcessRunner", (a: Tsnenc) => new ProcessRunner(a, { handleSignals: false, appModule: APP_MODULE })],
    [
      "MultiProcessRunner",
      (a: Tsnenc) => new MultiProcessRunner(a, { handleSignals: false, appModule: APP_MODULE }),
    ],
  ] as const)("%s refuses the memory backend, which its workers cannot see", async (_name, make) => {
    const memoryApp = createMemoryApp();
    try {
      await expect(make(memoryApp).run()).rejects.toThrow(/memory backend is not shared/);
    } finally {
      await memoryApp.close();
    }
  });
});
