import { describe, expect, it } from "vitest";
import {
  APP_MODULE,
  eventually,
  fixtures,
  mostExecutingAtOnce,
  tsnenc,
  useRunnerTestEnv,
  within,
} from "./helpers.js";
import { describeRunnerSuite, type MakeRunner } from "./runner-suite.js";

const { PersistentProcessRunner } = tsnenc;
const { app, blockOnce, fib, readMarks } = fixtures;

const makePersistentProcessRunner: MakeRunner = (app, appModule) =>
  new PersistentProcessRunner(app, { handleSignals: false, appModule, numProcesses: 2, concurrency: 2 });

await describeRunnerSuite("PersistentProcessRunner", makePersistentProcessRunner);
await describeRunnerSuite("PersistentProcessRunner", makePersistentProcessRunner, { backend: "redis" });

describe("PersistentProcessRunner", () => {
  const env = useRunnerTestEnv({
    runnerConsideredDeadAfterMs: 2_000,
    runnerHeartbeatIntervalMs: 300,
    globalServiceIntervalMs: 300,
  });

  it("fib(8) completes on 2 processes of 1 slot each: waiting invocations never deadlock the pool", {
    timeout: 90_000,
  }, async () => {
    const started = env.start(
      new PersistentProcessRunner(app, {
        handleSignals: false,
        appModule: APP_MODULE,
        numProcesses: 2,
        concurrency: 1,
      }),
    );
    expect(await within(fib(8).result(), 80_000, "fib(8)")).toBe(21);
    expect(await mostExecutingAtOnce()).toBeLessThanOrEqual(2);
    await started.stop();
  });

  it("respawns a killed child, and its invocation runs again", { timeout: 90_000 }, async () => {
    const runner = new PersistentProcessRunner(app, {
      handleSignals: false,
      appModule: APP_MODULE,
      numProcesses: 2,
      concurrency: 1,
    });
    const started = env.start(runner);
    await eventually(() => runner.getActiveChildRunnerIds().length === 2, "2 children");
    const before = new Set(runner.getActiveChildRunnerIds());
    const invocation = await blockOnce(env.marks, 60_000);
    await eventually(() => readMarks(env.marks).length > 0, "the task to start", 30_000);
    process.kill(Number(readMarks(env.marks)[0]?.split(" ")[1]), "SIGKILL");
    expect(await within(invocation.result(), 60_000, "the invocation, again")).toBe("finished");
    await eventually(() => {
      const ids = runner.getActiveChildRunnerIds();
      return ids.length === 2 && ids.some((id) => !before.has(id));
    }, "a respawned child");
    await started.stop();
  });
});
