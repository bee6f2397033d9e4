import { describe, expect, it } from "vitest";
import { expectAllHistoriesValid, startRunner, useTestApps } from "../helpers/app.js";

const app = useTestApps();

describe("waiting inside tasks", () => {
  it("fib(15), each call awaiting two sub-calls, completes on a single slot", async () => {
    const a = app();
    const fib = a.task("fib", async (n: number): Promise<number> => {
      if (n < 2) return n;
      const [x, y] = await Promise.all([fib(n - 1).result(), fib(n - 2).result()]);
      return x + y;
    });
    const r = startRunner(a, { maxConcurrency: 1 });
    expect(await fib(15).result()).toBe(610);
    await r.stop();
    expect(await expectAllHistoriesValid(a)).toBeGreaterThan(1000);
  });

  it("a waiting invocation is PAUSED, frees its slot, then RESUMED and finishes", async () => {
    const a = app();
    const child = a.task("child", async (x: number) => x + 1);
    const parent = a.task("parent", async (x: number) => (await child(x).result()) * 10);
    const r = startRunner(a, { maxConcurrency: 1 });
    const inv = await parent(1);
    expect(await inv.result()).toBe(20);
    const statuses = (await inv.history()).map((h) => h.status);
    expect(statuses).toEqual(["REGISTERED", "PENDING", "RUNNING", "PAUSED", "RESUMED", "SUCCESS"]);
    await r.stop();
  });

  it("a child records its parent and inherits the workflow; a top-level call starts its own", async () => {
    const a = app();
    const child = a.task("child", async () => "done");
    const parent = a.task("parent", async () => (await child()).invocationId);
    const r = startRunner(a);
    const inv = await parent();
    const childId = await inv.result();
    const parentRecord = await a.backend.stateBackend.getInvocation(inv.invocationId);
    const childRecord = await a.backend.stateBackend.getInvocation(childId);
    expect(parentRecord?.parentInvocationId).toBeNull();
    expect(parentRecord?.workflowId).toBe(inv.invocationId);
    expect(childRecord?.parentInvocationId).toBe(inv.invocationId);
    expect(childRecord?.workflowId).toBe(inv.invocationId);
    expect(await a.backend.stateBackend.getChildInvocationIds(inv.invocationId)).toEqual([childId]);
    await r.stop();
  });

  it("forceNewWorkflow starts a sub-workflow inside a task", async () => {
    const a = app();
    const child = a.task("child", async () => "done", { forceNewWorkflow: true });
    const parent = a.task("parent", async () => (await child()).invocationId);
    const r = startRunner(a);
    const inv = await parent();
    const childId = await inv.result();
    const childRecord = await a.backend.stateBackend.getInvocation(childId);
    expect(childRecord?.parentInvocationId).toBe(inv.invocationId);
    expect(childRecord?.workflowId).toBe(childId);
    await r.stop();
  });

  it("deep chains do not deadlock a small pool: depth 30 on 2 slots", async () => {
    const a = app();
    const chain = a.task(
      "chain",
      async (n: number): Promise<number> => (n === 0 ? 0 : 1 + (await chain(n - 1).result())),
    );
    const r = startRunner(a, { maxConcurrency: 2 });
    expect(await chain(30).result()).toBe(30);
    await r.stop();
    await expectAllHistoriesValid(a);
  });

  it("never runs more than maxConcurrency invocations at once, waiting ones excluded", async () => {
    const a = app();
    let running = 0;
    let peak = 0;
    const leaf = a.task("leaf", async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return 1;
    });
    const root = a.task("root", async (n: number) => {
      running++;
      peak = Math.max(peak, running);
      running--; // paused while waiting
      const group = await leaf.parallelize(Array.from({ length: n }, () => [] as []));
      const values = await group.all();
      running++;
      peak = Math.max(peak, running);
      running--;
      return values.length;
    });
    const r = startRunner(a, { maxConcurrency: 3 });
    const results = await Promise.all([root(10).result(), root(10).result(), root(10).result()]);
    expect(results).toEqual([10, 10, 10]);
    expect(peak).toBeLessThanOrEqual(3);
    await r.stop();
  });
});
