// fib(12) on a ProcessRunner limited to 2 processes, in a `tsnenc runner start` process on
// compiled sources: 465 invocations, each in a child process of its own; a parent waiting for
// its two sub-calls is PAUSED (its child stopped, its slot freed) and RESUMED once they are
// final. Claims among waited-on invocations go to the newest first, so the call tree is worked
// depth-first and few paused children pile up.
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/status/statuses.js";
import { within } from "../helpers/waiting.js";
import { useProcessTestEnv } from "./cli-test-env.js";
import { app, fib } from "./fixtures/process-app.js";
import { mostExecutingAtOnce } from "./helpers.js";

const S = InvocationStatus;
const TIMEOUT_MS = 360_000;

describe("ProcessRunner limited to 2 processes", () => {
  const env = useProcessTestEnv("sqlite", { maxRunningProcesses: 2 });

  it("computes fib(12) = 144; parents are PAUSED then RESUMED; never more than 2 run at once", {
    timeout: TIMEOUT_MS,
  }, async () => {
    const runner = env.startRunner("ProcessRunner");
    await runner.started;
    const startedAt = performance.now();
    const root = await fib(12);
    expect(await within(root.result(), TIMEOUT_MS - 20_000, "fib(12)")).toBe(144);
    process.stderr.write(
      `fib(12) on ProcessRunner(maxRunningProcesses 2): ${Math.round(performance.now() - startedAt)} ms\n`,
    );
    const history = (await root.history()).map((h) => h.status);
    expect(history.slice(0, 3)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING]);
    expect(history).toContain(S.PAUSED);
    expect(history).toContain(S.RESUMED);
    expect(history.at(-1)).toBe(S.SUCCESS);
    const all = await app.backend.orchestrator.listInvocations({ limit: 10_000, offset: 0 });
    expect(all).toHaveLength(465);
    expect(all.every((row) => row.status === S.SUCCESS)).toBe(true);
    expect(await mostExecutingAtOnce(app)).toBeLessThanOrEqual(2);
  });
});
