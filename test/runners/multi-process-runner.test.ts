import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/status/statuses.js";
import {
  APP_MODULE,
  compiledFixture,
  eventually,
  fixtures,
  tsnenc,
  useRunnerTestEnv,
  within,
} from "./helpers.js";
import { describeRunnerSuite, type MakeRunner } from "./runner-suite.js";

const { MultiProcessRunner } = tsnenc;
const { app, blockOnce, hold, readMarks } = fixtures;

const makeMultiProcessRunner: MakeRunner = (app, appModule) =>
  new MultiProcessRunner(app, {
    handleSignals: false,
    appModule,
    minProcesses: 1,
    maxProcesses: 2,
    maxConcurrency: 10,
  });

await describeRunnerSuite("MultiProcessRunner", makeMultiProcessRunner);
await describeRunnerSuite("MultiProcessRunner", makeMultiProcessRunner, { backend: "redis" });

const S = InvocationStatus;

describe("MultiProcessRunner", () => {
  const env = useRunnerTestEnv({
    runnerConsideredDeadAfterMs: 2_000,
    runnerHeartbeatIntervalMs: 300,
    globalServiceIntervalMs: 300,
  });

  it("scales from min to max under a queue of work, and back to min once idle", {
    timeout: 90_000,
  }, async () => {
    const runner = new MultiProcessRunner(app, {
      handleSignals: false,
      appModule: APP_MODULE,
      minProcesses: 1,
      maxProcesses: 3,
      maxConcurrency: 1,
      idleTimeoutProcessMs: 1_000,
    });
    const started = env.start(runner);
    let most = 0;
    const children = () => {
      const count = runner.getActiveChildRunnerIds().length;
      most = Math.max(most, count);
      return count;
    };
    await eventually(() => children() === 1, "the first child");
    const group = await hold.parallelize(Array.from({ length: 6 }, () => [1_500] as [number]));
    await eventually(() => children() === 3, "3 children under load", 30_000);
    expect(await within(group.all(), 60_000, "6 holds")).toEqual(Array(6).fill(1_500));
    await eventually(() => children() === 1, "back to 1 child", 30_000);
    expect(most).toBe(3);
    await started.stop();
  });

  it("replaces a child killed mid-task and recovers its invocation", { timeout: 90_000 }, async () => {
    const runner = new MultiProcessRunner(app, {
      handleSignals: false,
      appModule: APP_MODULE,
      minProcesses: 2,
      maxProcesses: 2,
      maxConcurrency: 2,
    });
    const started = env.start(runner);
    await eventually(() => runner.getActiveChildRunnerIds().length === 2, "2 children");
    const invocation = await blockOnce(env.marks, 60_000);
    await eventually(() => readMarks(env.marks).length > 0, "the task to start", 30_000);
    const before = new Set(runner.getActiveChildRunnerIds());
    const pid = Number(readMarks(env.marks)[0]?.split(" ")[1]);
    process.kill(pid, "SIGKILL");
    expect(await within(invocation.result(), 60_000, "the recovered invocation")).toBe("finished");
    const statuses = (await invocation.history()).map((h) => h.status);
    expect(statuses.some((s) => s === S.KILLED || s === S.RUNNING_RECOVERY)).toBe(true);
    await eventually(() => {
      const ids = runner.getActiveChildRunnerIds();
      return ids.length === 2 && ids.some((id) => !before.has(id));
    }, "a replacement child");
    await started.stop();
  });

  it("gives up with a clear error when its children cannot import the app module", {
    timeout: 60_000,
  }, async () => {
    const runner = new MultiProcessRunner(app, {
      handleSignals: false,
      appModule: compiledFixture("broken-app"),
      minProcesses: 1,
      maxProcesses: 1,
    });
    await expect(within(runner.run(), 50_000, "the runner to give up")).rejects.toThrow(
      /workers exit before they start \(last: code 1: this app module is broken on purpose\)/,
    );
  });
});
