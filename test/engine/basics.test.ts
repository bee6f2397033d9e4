import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/index.js";
import { expectAllHistoriesValid, expectValidHistory, startRunner, useTestApps } from "../helpers/app.js";

const app = useTestApps();

describe("tasks through an AsyncRunner", () => {
  it("add(1, 2) = 3, and its history is exactly REGISTERED, PENDING, RUNNING, SUCCESS", async () => {
    const a = app();
    const add = a.task("add", async (x: number, y: number) => x + y);
    const r = startRunner(a);
    const inv = await add(1, 2);
    expect(await inv.result()).toBe(3);
    expect(await inv.status()).toBe(InvocationStatus.SUCCESS);
    const history = await inv.history();
    expect(history.map((h) => h.status)).toEqual(["REGISTERED", "PENDING", "RUNNING", "SUCCESS"]);
    expect(history[0]?.runnerId).toBe(a.externalRunnerId);
    expect(history.slice(1).every((h) => h.runnerId === r.runner.runnerId)).toBe(true);
    expect(history.every((h) => h.timestamp instanceof Date)).toBe(true);
    await r.stop();
    await expectAllHistoriesValid(a);
  });

  it("the call shortcut registers and waits; sync task functions work too", async () => {
    const a = app();
    const double = a.task("double", (x: number) => x * 2);
    const r = startRunner(a);
    expect(await double(21).result()).toBe(42);
    await r.stop();
  });

  it("registration is durable before the runner starts: work queued first is drained later", async () => {
    const a = app();
    const echo = a.task("echo", async (s: string) => s);
    const invocations = await Promise.all(["a", "b", "c"].map((s) => echo(s)));
    expect(await invocations[0]?.status()).toBe("REGISTERED");
    const r = startRunner(a);
    expect(await Promise.all(invocations.map((i) => i.result()))).toEqual(["a", "b", "c"]);
    await r.stop();
  });

  it("callId is taskId:argsId and equal calls share it", async () => {
    const a = app();
    const add = a.task("add", async (x: number, y: number) => x + y);
    const one = await add(1, 2);
    const two = await add(1, 2);
    expect(one.callId).toBe(two.callId);
    expect(one.callId.startsWith("add:")).toBe(true);
    expect(one.invocationId).not.toBe(two.invocationId);
    const ping = a.task("ping", async () => "pong");
    expect((await ping()).callId).toBe("ping:no_args");
  });

  it("parallelize: all() in input order, results() in completion order", async () => {
    const a = app({ parallelBatchSize: 2 });
    const gates = new Map<number, () => void>();
    const slow = a.task("slow", async (n: number) => {
      if (n === 0) await new Promise<void>((resolve) => gates.set(n, resolve));
      return n;
    });
    const r = startRunner(a);
    const group = await slow.parallelize([[0], [1], [2]]);
    expect(group.invocations).toHaveLength(3);
    const seen: number[] = [];
    const iterate = (async () => {
      for await (const value of group.results()) {
        seen.push(value);
        if (seen.length === 2) gates.get(0)?.();
      }
    })();
    await iterate;
    expect(seen.slice(0, 2).sort()).toEqual([1, 2]);
    expect(seen[2]).toBe(0);
    expect(await group.all()).toEqual([0, 1, 2]);
    await r.stop();
    for (const inv of group.invocations) await expectValidHistory(inv);
  });

  it("directTask returns a plain async function with the task's signature", async () => {
    const a = app();
    const concat = a.directTask("concat", async (x: string, y: string) => `${x}${y}`);
    const r = startRunner(a);
    expect(await concat("ts", "nenc")).toBe("tsnenc");
    await r.stop();
  });

  it("in-process waiters are woken by events, not by polling", async () => {
    const a = app({ resultWaitSafetyPollMs: 600_000, runnerIdlePollMs: 600_000 });
    const add = a.task("add", async (x: number, y: number) => x + y);
    const parent = a.task("parent", async () => (await add(1, 1).result()) + (await add(2, 2).result()));
    const r = startRunner(a, { maxConcurrency: 1 });
    const started = Date.now();
    expect(await parent().result()).toBe(6);
    expect(Date.now() - started).toBeLessThan(5_000);
    await r.stop();
  });
});
