import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/index.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const S = InvocationStatus;

describe("recovery of gone runners' work and retention", () => {
  it("a RUNNING invocation of a runner that stopped heartbeating is recovered and finished by a live runner", async () => {
    const a = app({
      runnerConsideredDeadAfterMs: 200,
      globalServiceIntervalMs: 50,
      runnerHeartbeatIntervalMs: 50,
    });
    const t = a.task("t", async (x: number) => x + 1);
    const inv = await t(1);
    // A runner that claims and starts the invocation, then vanishes without a trace.
    const dead = "dead-runner";
    const orchestrator = a.backend.orchestrator;
    await orchestrator.heartbeat([{ runnerId: dead, context: "{}" }], Date.now());
    await orchestrator.claim({ runnerId: dead, max: 1, leaseMs: 60_000, now: Date.now() });
    await orchestrator.transition({
      invocationId: inv.invocationId,
      to: S.RUNNING,
      runnerId: dead,
      now: Date.now(),
    });
    const r = startRunner(a);
    expect(await inv.result()).toBe(2);
    expect((await inv.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "RUNNING_RECOVERY",
      "REROUTED",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
    await r.stop();
  });

  it("a live runner's work is not recovered while it heartbeats", async () => {
    const a = app({
      runnerConsideredDeadAfterMs: 300,
      globalServiceIntervalMs: 20,
      runnerHeartbeatIntervalMs: 20,
    });
    let release: () => void = () => {};
    const slow = a.task("slow", async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return "done";
    });
    const r1 = startRunner(a);
    const r2 = startRunner(a);
    const inv = await slow();
    await until(async () => (await inv.status()) === "RUNNING", "start");
    await new Promise((resolve) => setTimeout(resolve, 700)); // well past the dead-after time
    expect(await inv.status()).toBe("RUNNING");
    release();
    expect(await inv.result()).toBe("done");
    expect((await inv.history()).map((h) => h.status)).not.toContain("RUNNING_RECOVERY");
    await Promise.all([r1.stop(), r2.stop()]);
  });

  it("finished invocations are deleted once finalInvocationRetentionMs has passed", async () => {
    const a = app({ finalInvocationRetentionMs: 50, globalServiceIntervalMs: 20 });
    const t = a.task("t", async () => 1);
    const r = startRunner(a);
    const inv = await t();
    expect(await inv.result()).toBe(1);
    await until(
      async () => (await a.backend.stateBackend.getInvocation(inv.invocationId)) === null,
      "retention",
      5_000,
    );
    expect(await a.backend.stateBackend.getHistory(inv.invocationId)).toEqual([]);
    await r.stop();
  });
});
