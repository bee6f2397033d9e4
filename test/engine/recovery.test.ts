// Recovery of gone runners' work and retention. The maintenance functions take `now`: the tests
// put the dead runner's heartbeat in the past, or run a maintenance round at a future `now`,
// instead of waiting out runnerConsideredDeadAfterMs or finalInvocationRetentionMs.
import { describe, expect, it } from "vitest";
import { recoverOrphans, runMaintenance } from "../../src/engine/maintenance.js";
import { InvocationStatus } from "../../src/index.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const S = InvocationStatus;

const DEAD_AFTER_MS = 60_000;

describe("recovery of gone runners' work and retention", () => {
  it("a RUNNING invocation of a runner that stopped heartbeating is recovered and finished by a live runner", async () => {
    const a = app({
      runnerConsideredDeadAfterMs: DEAD_AFTER_MS,
      globalServiceIntervalMs: 50,
      runnerHeartbeatIntervalMs: 50,
    });
    const t = a.task("t", async (x: number) => x + 1);
    const inv = await t(1);
    // A runner that claimed and started the invocation, then vanished without a trace: its
    // last heartbeat is older than runnerConsideredDeadAfterMs (the clock of its steps is set back).
    const dead = "dead-runner";
    const then = Date.now() - DEAD_AFTER_MS - 1_000;
    const orchestrator = a.backend.orchestrator;
    await orchestrator.heartbeat([{ runnerId: dead, context: "{}" }], then);
    await orchestrator.claim({ runnerId: dead, max: 1, leaseMs: 60_000, now: then });
    await orchestrator.transition({
      invocationId: inv.invocationId,
      to: S.RUNNING,
      runnerId: dead,
      now: then,
    });
    // The live runner's own maintenance service recovers it at its first round.
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

  it("a live runner's work is not recovered while it heartbeats; once its heartbeat is old enough it is", async () => {
    const a = app({
      runnerConsideredDeadAfterMs: DEAD_AFTER_MS,
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
    const running = (await inv.history()).at(-1);
    const owner = running?.runnerId ?? "";
    const heartbeatAfter = async (since: number): Promise<number> => {
      const beat = (await a.backend.orchestrator.activeRunners(since)).find((h) => h.runnerId === owner);
      return beat?.lastSeen ?? 0;
    };
    // The owner heartbeats on after the invocation started.
    const startedAt = running?.timestamp.getTime() ?? 0;
    let lastSeen = 0;
    await until(async () => {
      lastSeen = await heartbeatAfter(startedAt + 1);
      return lastSeen > startedAt;
    }, "a heartbeat after the start");
    // A maintenance round as late as the owner's heartbeat allows: nothing to recover...
    expect(await recoverOrphans(a, "probe", lastSeen + DEAD_AFTER_MS)).toBe(0);
    // ...and the runners' own rounds, which keep running meanwhile, recovered nothing either.
    expect(await inv.status()).toBe("RUNNING");
    // The same round a millisecond later than that would recover it (probed with a findOrphans
    // query, which changes nothing: the owner is alive).
    const orphans = await a.backend.orchestrator.findOrphans({
      aliveSince: lastSeen + 1,
      now: lastSeen + DEAD_AFTER_MS + 1,
      limit: 10,
    });
    expect(orphans.map((o) => o.invocationId)).toEqual([inv.invocationId]);
    release();
    expect(await inv.result()).toBe("done");
    expect((await inv.history()).map((h) => h.status)).not.toContain("RUNNING_RECOVERY");
    await Promise.all([r1.stop(), r2.stop()]);
  });

  it("finished invocations are deleted once finalInvocationRetentionMs has passed", async () => {
    const retentionMs = 60_000;
    const a = app({ finalInvocationRetentionMs: retentionMs, globalServiceIntervalMs: 20 });
    const t = a.task("t", async () => 1);
    const r = startRunner(a);
    const inv = await t();
    expect(await inv.result()).toBe(1);
    await r.stop();
    const finishedAt = (await inv.history()).at(-1)?.timestamp.getTime() ?? 0;
    // A maintenance round just before the retention ends keeps it, one after deletes it.
    expect(await runMaintenance(a, "probe", finishedAt + retentionMs - 1)).toBe(true);
    expect(await a.backend.stateBackend.getInvocation(inv.invocationId)).not.toBeNull();
    expect(await runMaintenance(a, "probe", finishedAt + retentionMs + 1)).toBe(true);
    expect(await a.backend.stateBackend.getInvocation(inv.invocationId)).toBeNull();
    expect(await a.backend.stateBackend.getHistory(inv.invocationId)).toEqual([]);
  });
});
