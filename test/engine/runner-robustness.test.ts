import { describe, expect, it } from "vitest";
import { InvocationNotFoundError } from "../../src/index.js";
import { DistributedInvocation } from "../../src/invocation/distributed-invocation.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("runner robustness", () => {
  it("a task that finishes while one of its waits is still open is stored, and the runner keeps its slot", async () => {
    const a = app();
    let open = true;
    const gates: Array<() => void> = [];
    const releaseSlow = () => {
      open = false;
      for (const release of gates.splice(0)) release();
    };
    const slow = a.task("slow", async () => {
      if (open) await new Promise<void>((resolve) => gates.push(resolve));
      return 1;
    });
    const bad = a.task("bad", async () => {
      throw new Error("bad child");
    });
    const parent = a.task("parent", async () => {
      await Promise.all([slow().result(), bad().result()]);
    });
    const racer = a.task("racer", async () =>
      Promise.race([slow().result(), sleep(20).then(() => "timeout")]),
    );
    const ping = a.task("ping", async () => "pong");
    const r = startRunner(a, { maxConcurrency: 3 });
    await expect(parent().result()).rejects.toThrow("bad child");
    expect(await racer().result()).toBe("timeout");
    releaseSlow();
    expect(await ping().result()).toBe("pong");
    await r.stop();
  });

  it("retries storing an outcome after a transient backend error", async () => {
    const a = app();
    const t = a.task("t", async () => 7);
    const orchestrator = a.backend.orchestrator;
    const original = orchestrator.transition.bind(orchestrator);
    let failed = 0;
    orchestrator.transition = async (request) => {
      if (request.to === "SUCCESS" && failed++ === 0) throw new Error("ETIMEDOUT");
      return original(request);
    };
    const r = startRunner(a);
    expect(await t().result()).toBe(7);
    expect(failed).toBe(2);
    await r.stop();
  });

  it("survives a failing claim and goes on", async () => {
    const a = app();
    const t = a.task("t", async () => "ok");
    const orchestrator = a.backend.orchestrator;
    const original = orchestrator.claim.bind(orchestrator);
    let calls = 0;
    orchestrator.claim = async (request) => {
      if (calls++ === 0) throw new Error("ECONNRESET");
      return original(request);
    };
    const r = startRunner(a);
    expect(await t().result()).toBe("ok");
    expect(r.runner.isRunning).toBe(true);
    await r.stop();
  });

  it("claims that arrive after a stop request go back to the queue without running", async () => {
    const a = app();
    let bodies = 0;
    const t = a.task("t", async () => {
      bodies++;
      return 1;
    });
    const orchestrator = a.backend.orchestrator;
    const original = orchestrator.claim.bind(orchestrator);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let claimStarted = false;
    orchestrator.claim = async (request) => {
      claimStarted = true;
      await gate;
      return original(request);
    };
    const inv = await t();
    const r = startRunner(a);
    await until(() => claimStarted, "a claim in flight");
    r.runner.stopRunnerLoop();
    release();
    await r.done;
    expect(bodies).toBe(0);
    // Claimed straight into RUNNING, then handed back before its body ran.
    expect((await inv.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "KILLED",
      "REROUTED",
    ]);
    orchestrator.claim = original;
    const second = startRunner(a);
    expect(await inv.result()).toBe(1);
    await second.stop();
  });

  it("a claim applied by the backend whose reply was lost is handed back, then runs once", async () => {
    const a = app();
    let bodies = 0;
    const t = a.task("t", async () => {
      bodies++;
      return 7;
    });
    const orchestrator = a.backend.orchestrator;
    const original = orchestrator.claim.bind(orchestrator);
    let lost = 0;
    orchestrator.claim = async (request) => {
      const claimed = await original(request);
      if (claimed.length > 0 && lost === 0) {
        lost++;
        throw new Error("connection closed before the reply");
      }
      return claimed;
    };
    const inv = await t();
    const r = startRunner(a);
    expect(await inv.result()).toBe(7);
    expect(lost).toBe(1);
    expect(bodies).toBe(1);
    expect((await inv.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "KILLED",
      "REROUTED",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
    orchestrator.claim = original;
    await r.stop();
  });

  it("result() of an unknown or deleted invocation rejects instead of waiting forever", async () => {
    const a = app();
    const ghost = new DistributedInvocation<number>(a, "no-such-id", "t", "t:no_args");
    await expect(ghost.result()).rejects.toBeInstanceOf(InvocationNotFoundError);
  });

  it("a second run() while the first is still tearing down is refused", async () => {
    const a = app();
    const r = startRunner(a);
    await until(() => r.runner.isRunning, "start");
    await expect(r.runner.run()).rejects.toThrow(/already running/);
    await r.stop();
  });
});
