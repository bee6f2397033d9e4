import { describe, expect, it } from "vitest";
import {
  InvalidTaskOptionsError,
  InvocationConcurrencyWithDifferentArgumentsError,
  InvocationNoResultError,
  TaskError,
} from "../../src/index.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();

/** Tracks how many task bodies run at once, overall and per key. */
function gauge() {
  const running = new Map<string, number>();
  const peaks = new Map<string, number>();
  let total = 0;
  let peakTotal = 0;
  return {
    enter(key: string) {
      total++;
      peakTotal = Math.max(peakTotal, total);
      const n = (running.get(key) ?? 0) + 1;
      running.set(key, n);
      peaks.set(key, Math.max(peaks.get(key) ?? 0, n));
    },
    leave(key: string) {
      total--;
      running.set(key, (running.get(key) ?? 1) - 1);
    },
    peak: (key: string) => peaks.get(key) ?? 0,
    get peakTotal() {
      return peakTotal;
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

describe("registration concurrency", () => {
  it("20 concurrent identical calls with mode 'arguments' produce exactly one invocation", async () => {
    const a = app();
    const t = a.task("t", async (x: number) => x, { registrationConcurrency: "arguments" });
    const invocations = await Promise.all(Array.from({ length: 20 }, () => t(1)));
    expect(new Set(invocations.map((i) => i.invocationId)).size).toBe(1);
    expect(invocations.filter((i) => !i.reused)).toHaveLength(1);
    expect((await t(2)).invocationId).not.toBe(invocations[0]?.invocationId);
    expect(await a.backend.orchestrator.listInvocations({ limit: 100, offset: 0 })).toHaveLength(2);
    const r = startRunner(a);
    expect(await invocations[5]?.result()).toBe(1);
    expect((await t(1)).reused).toBe(false); // the first one ran: a new call registers anew
    await r.stop();
  });

  it("mode 'keys' reuses on equal keys and exposes the differing arguments", async () => {
    const a = app();
    const t = a.task("t", async (order: { id: string; qty: number }) => order.qty, {
      registrationConcurrency: "keys",
      keyArguments: ["id"],
    });
    const first = await t({ id: "A", qty: 1 });
    const second = await t({ id: "A", qty: 2 });
    expect(second.invocationId).toBe(first.invocationId);
    expect(second.reused).toBe(true);
    expect(second.differingArguments).toEqual([{ id: "A", qty: 2 }]);
    expect((await t({ id: "B", qty: 1 })).invocationId).not.toBe(first.invocationId);
  });

  it("onDiffNonKeyArgsRaise throws an error listing changed, removed and added arguments; nothing is registered", async () => {
    const a = app();
    const t = a.task("t", async (_o: Record<string, unknown>) => 1, {
      registrationConcurrency: "keys",
      keyArguments: ["id"],
      onDiffNonKeyArgsRaise: true,
    });
    await t({ id: "A", qty: 1, note: "x" });
    const error = await Promise.resolve(t({ id: "A", qty: 2, gift: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvocationConcurrencyWithDifferentArgumentsError);
    const message = (error as Error).message;
    expect(message).toContain("Changed:\n  qty: 1 -> 2");
    expect(message).toContain("Removed:\n  note:");
    expect(message).toContain("Added:\n  gift: true");
    expect(await a.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toHaveLength(1);
    expect((await t({ id: "A", qty: 1, note: "x" })).reused).toBe(true); // same arguments: no error
  });
});

describe("key arguments", () => {
  it("positional indices pick arguments; a key the call lacks is refused naming task and key", async () => {
    const a = app();
    const t = a.task("pos", async (_a: string, _b?: string) => 1, {
      registrationConcurrency: "keys",
      keyArguments: ["1"],
    });
    expect((await t("x", "k")).invocationId).toBe((await t("y", "k")).invocationId);
    await expect(Promise.resolve(t("x"))).rejects.toThrow(/task 'pos'.*key argument '1'/);
    const o = a.task("obj", async (_o: { id?: string }) => 1, {
      runningConcurrency: "keys",
      keyArguments: ["id"],
    });
    const error = await Promise.resolve(o({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as Error).message).toMatch(/task 'obj'.*key argument 'id'/);
    expect(() => a.task("nokeys", async () => 1, { runningConcurrency: "keys" })).toThrow(
      InvalidTaskOptionsError,
    );
  });
});

describe("running concurrency", () => {
  it("keys, limit 1: 30 invocations over 3 keys on 10 slots never run two of one key at once, and keys run in parallel", async () => {
    const a = app();
    const g = gauge();
    const work = a.task(
      "work",
      async (job: { key: string; n: number }) => {
        g.enter(job.key);
        await tick();
        g.leave(job.key);
        return job.n;
      },
      { runningConcurrency: "keys", keyArguments: ["key"] },
    );
    const r = startRunner(a, { maxConcurrency: 10 });
    const group = await work.parallelize(
      Array.from({ length: 30 }, (_, n) => [{ key: `k${n % 3}`, n }] as [{ key: string; n: number }]),
    );
    expect((await group.all()).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, n) => n));
    for (const key of ["k0", "k1", "k2"]) expect(g.peak(key)).toBe(1);
    expect(g.peakTotal).toBeGreaterThan(1);
    await r.stop();
  });

  it("limit 2: never more than 2 at once", async () => {
    const a = app();
    const g = gauge();
    const work = a.task(
      "work",
      async () => {
        g.enter("all");
        await tick();
        g.leave("all");
      },
      { runningConcurrency: "task", concurrencyLimit: 2 },
    );
    const r = startRunner(a, { maxConcurrency: 10 });
    await (await work.parallelize(Array.from({ length: 20 }, () => [] as []))).all();
    expect(g.peak("all")).toBe(2);
    await r.stop();
  });

  it("a delayed invocation goes CONCURRENCY_CONTROLLED -> REROUTED -> PENDING -> RUNNING -> SUCCESS", async () => {
    const a = app();
    let release: () => void = () => {};
    const t = a.task(
      "t",
      async (n: number) => {
        if (n === 1) await new Promise<void>((resolve) => (release = resolve));
        return n;
      },
      { runningConcurrency: "task" },
    );
    const r = startRunner(a, { maxConcurrency: 4 });
    const first = await t(1);
    await until(async () => (await first.status()) === "RUNNING", "first to run");
    const second = await t(2);
    await until(async () => (await second.status()) === "REROUTED", "second to be controlled");
    release();
    expect(await second.result()).toBe(2);
    expect((await second.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "CONCURRENCY_CONTROLLED",
      "REROUTED",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
    await r.stop();
  });

  it("without rerouting it ends CONCURRENCY_CONTROLLED_FINAL and result() rejects with a clear error", async () => {
    const a = app();
    let release: () => void = () => {};
    const t = a.task(
      "t",
      async (n: number) => {
        if (n === 1) await new Promise<void>((resolve) => (release = resolve));
        return n;
      },
      { runningConcurrency: "task", rerouteOnConcurrencyControl: false },
    );
    const r = startRunner(a, { maxConcurrency: 4 });
    const first = await t(1);
    await until(async () => (await first.status()) === "RUNNING", "first to run");
    const second = await t(2);
    const error = await second.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvocationNoResultError);
    expect((error as Error).message).toMatch(/CONCURRENCY_CONTROLLED_FINAL/);
    expect((await second.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "CONCURRENCY_CONTROLLED_FINAL",
    ]);
    release();
    expect(await first.result()).toBe(1);
    await r.stop();
  });

  it("a retry blocked by concurrency waits its turn instead of crashing the runner", async () => {
    const a = app();
    let attempts = 0;
    const t = a.task(
      "t",
      async (n: number) => {
        if (n === 0 && attempts++ === 0) throw new Error("retry me");
        await tick();
        return n;
      },
      { runningConcurrency: "task", maxRetries: 1, retryFor: [Error] },
    );
    const r = startRunner(a, { maxConcurrency: 5 });
    const group = await t.parallelize([[0], [1], [2], [3]]);
    expect(await group.all()).toEqual([0, 1, 2, 3]);
    expect(r.runner.isRunning).toBe(true);
    await r.stop();
  });
});
