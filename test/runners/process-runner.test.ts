import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/status/statuses.js";
import { APP_MODULE, fixtures, tsnenc, useRunnerTestEnv, within } from "./helpers.js";
import { describeRunnerSuite, type MakeRunner } from "./runner-suite.js";

const S = InvocationStatus;
const { ProcessRunner } = tsnenc;
const { app, tenTimesIncrement } = fixtures;

const makeProcessRunner: MakeRunner = (app, appModule) =>
  new ProcessRunner(app, { handleSignals: false, appModule, maxRunningProcesses: 2 });

await describeRunnerSuite("ProcessRunner", makeProcessRunner, { manyInvocations: 8 });
await describeRunnerSuite("ProcessRunner", makeProcessRunner, { backend: "redis", manyInvocations: 8 });

describe("ProcessRunner", () => {
  const env = useRunnerTestEnv();

  it("a parent waiting on a child is PAUSED, then RESUMED, and completes", { timeout: 60_000 }, async () => {
    const runner = env.start(
      new ProcessRunner(app, { handleSignals: false, appModule: APP_MODULE, maxRunningProcesses: 1 }),
    );
    const invocation = await tenTimesIncrement(4);
    expect(await within(invocation.result(), 50_000, "tenTimesIncrement(4)")).toBe(50);
    const statuses = (await invocation.history()).map((h) => h.status);
    expect(statuses).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.SUCCESS]);
    await runner.stop();
  });
});
