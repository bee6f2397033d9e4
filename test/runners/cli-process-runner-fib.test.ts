// fib(n) on a ProcessRunner limited to 2 processes, in a `tsnenc runner start` process on
// compiled sources: each invocation in a child process of its own; a parent waiting for its
// two sub-calls is PAUSED (its child stopped, its slot freed) and RESUMED once they are final.
// Claims among waited-on invocations go to the newest first, so the call tree is worked
// depth-first and few paused children pile up. The regular suite computes fib(6) (25
// invocations: the root and its sub-calls wait on children three levels deep, more than the
// 2 slots, so completing at all needs parents to be paused and resumed); the load run
// (test/helpers/load.ts) fib(12) (465 invocations).
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/status/statuses.js";
import { sized } from "../helpers/load.js";
import { within } from "../helpers/waiting.js";
import { useProcessTestEnv } from "./cli-test-env.js";
import { app, fib } from "./fixtures/process-app.js";
import { mostExecutingAtOnce } from "./helpers.js";

const S = InvocationStatus;
const N = sized(6, 12);
const TIMEOUT_MS = sized(90_000, 360_000);

/** fib(n) by the definition of the task, and how many invocations computing it takes. */
function fibOf(n: number): { value: number; invocations: number } {
  if (n < 2) return { value: n, invocations: 1 };
  const [a, b] = [fibOf(n - 1), fibOf(n - 2)];
  return { value: a.value + b.value, invocations: a.invocations + b.invocations + 1 };
}

describe("ProcessRunner limited to 2 processes", () => {
  const env = useProcessTestEnv("sqlite", { maxRunningProcesses: 2 });

  const expected = fibOf(N);
  it(`computes fib(${N}) = ${expected.value}; parents are PAUSED then RESUMED; never more than 2 run at once`, {
    timeout: TIMEOUT_MS,
  }, async () => {
    const runner = env.startRunner("ProcessRunner");
    await runner.started;
    const startedAt = performance.now();
    const root = await fib(N);
    expect(await within(root.result(), TIMEOUT_MS - 20_000, `fib(${N})`)).toBe(expected.value);
    process.stderr.write(
      `fib(${N}) on ProcessRunner(maxRunningProcesses 2): ${Math.round(performance.now() - startedAt)} ms\n`,
    );
    const history = (await root.history()).map((h) => h.status);
    expect(history.slice(0, 3)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING]);
    expect(history).toContain(S.PAUSED);
    expect(history).toContain(S.RESUMED);
    expect(history.at(-1)).toBe(S.SUCCESS);
    const all = await app.backend.orchestrator.listInvocations({ limit: 10_000, offset: 0 });
    expect(all).toHaveLength(expected.invocations);
    expect(all.every((row) => row.status === S.SUCCESS)).toBe(true);
    expect(await mostExecutingAtOnce(app)).toBeLessThanOrEqual(2);
  });
});
