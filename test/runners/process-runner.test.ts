import { describe, expect, it } from "vitest";
import { ProcessRunner } from "../../src/runners/process-runner.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { app, fib, tenTimesIncrement } from "./fixtures/runner-app.js";
import { APP_MODULE, mostExecutingAtOnce, useRunnerTestEnv, within } from "./helpers.js";
import { describeRunnerSuite, type MakeRunner } from "./runner-suite.js";

const S = InvocationStatus;
/**
 * One process per invocation: fib(6) spawns 25. TSNENC_TEST_FIB_N=12 runs the full check
 * (465 processes, several minutes: child start-up, node + tsx + the app, dominates).
 */
const FIB_N = Number(process.env.TSNENC_TEST_FIB_N ?? 6);
const FIB_TIMEOUT_MS = FIB_N > 8 ? 3_600_000 : 120_000;

const makeProcessRunner: MakeRunner = (app, appModule) =>
  new ProcessRunner(app, { handleSignals: false, appModule, maxProcesses: 2 });

await describeRunnerSuite("ProcessRunner", makeProcessRunner, { manyInvocations: 8 });
await describeRunnerSuite("ProcessRunner", makeProcessRunner, { backend: "redis", manyInvocations: 8 });

describe("ProcessRunner", () => {
  const env = useRunnerTestEnv();

  it("a parent waiting on a child is PAUSED, then RESUMED, and completes", { timeout: 60_000 }, async () => {
    const runner = env.start(
      new ProcessRunner(app, { handleSignals: false, appModule: APP_MODULE, maxProcesses: 1 }),
    );
    const invocation = await tenTimesIncrement(4);
    expect(await within(invocation.result(), 50_000, "tenTimesIncrement(4)")).toBe(50);
    const statuses = (await invocation.history()).map((h) => h.status);
    expect(statuses).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.SUCCESS]);
    await runner.stop();
  });

  it(`fib(${FIB_N}) completes with at most 2 processes running`, { timeout: FIB_TIMEOUT_MS }, async () => {
    const runner = env.start(
      new ProcessRunner(app, { handleSignals: false, appModule: APP_MODULE, maxProcesses: 2 }),
    );
    const started = performance.now();
    const expected = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233][FIB_N];
    expect(await within(fib(FIB_N).result(), FIB_TIMEOUT_MS - 10_000, `fib(${FIB_N})`)).toBe(expected);
    const elapsed = Math.round(performance.now() - started);
    process.stderr.write(`fib(${FIB_N}) on ProcessRunner(maxProcesses 2): ${elapsed} ms\n`);
    expect(await mostExecutingAtOnce()).toBeLessThanOrEqual(2);
    await runner.stop();
  });
});
