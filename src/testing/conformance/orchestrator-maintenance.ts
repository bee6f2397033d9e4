import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  makeRecord,
  register,
  runnerId,
  startInvocation,
  statusOf,
  useBackend,
} from "./fixtures.js";

const S = InvocationStatus;

export function describeOrchestratorMaintenance(factory: BackendFactory): void {
  describe("orphans, service leases and retention", () => {
    const h = useBackend(factory);
    const heartbeat = (id: string, now: number) =>
      h.backend.orchestrator.heartbeat([{ runnerId: id, context: "{}" }], now);

    it("finds owned invocations whose owner stopped heartbeating, and not those of live owners", async () => {
      const t0 = Date.now();
      const dead = runnerId("dead");
      const alive = runnerId("alive");
      await heartbeat(dead, t0);
      await heartbeat(alive, t0);
      const lost = await startInvocation(h.backend, dead, t0);
      const kept = await startInvocation(h.backend, alive, t0 + 1);
      const finished = await startInvocation(h.backend, dead, t0 + 2);
      await h.backend.orchestrator.transition({
        invocationId: finished.invocationId,
        to: S.SUCCESS,
        runnerId: dead,
        result: "1",
        now: t0 + 3,
      });
      await heartbeat(alive, t0 + 10_000);
      const orphans = await h.backend.orchestrator.findOrphans({
        aliveSince: t0 + 5_000,
        now: t0 + 10_000,
        limit: 10,
      });
      expect(orphans.map((o) => o.invocationId)).toEqual([lost.invocationId]);
      expect(orphans[0]?.status).toMatchObject({ status: S.RUNNING, ownerId: dead });
      expect(kept.invocationId).toBeDefined();
    });

    it("counts unknown owners as gone and finds PAUSED work too; respects limit, oldest first", async () => {
      const t0 = Date.now();
      const ghost = runnerId("never-heartbeated");
      const a = await startInvocation(h.backend, ghost, t0);
      const b = await startInvocation(h.backend, ghost, t0 + 1);
      await h.backend.orchestrator.transition({
        invocationId: b.invocationId,
        to: S.PAUSED,
        runnerId: ghost,
        now: t0 + 2,
      });
      const all = await h.backend.orchestrator.findOrphans({ aliveSince: t0, now: t0 + 3, limit: 10 });
      expect(all.map((o) => o.invocationId)).toEqual([a.invocationId, b.invocationId]);
      const one = await h.backend.orchestrator.findOrphans({ aliveSince: t0, now: t0 + 3, limit: 1 });
      expect(one.map((o) => o.invocationId)).toEqual([a.invocationId]);
    });

    it("finds a PENDING claim whose lease expired even when its owner is alive", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      await heartbeat(owner, t0 + 10_000);
      const record = makeRecord();
      await register(h.backend, [record], runnerId("client"), t0);
      await h.backend.orchestrator.claim({ runnerId: owner, max: 1, leaseMs: 1_000, now: t0 });
      expect(await h.backend.orchestrator.findOrphans({ aliveSince: t0, now: t0 + 500, limit: 10 })).toEqual(
        [],
      );
      const found = await h.backend.orchestrator.findOrphans({ aliveSince: t0, now: t0 + 2_000, limit: 10 });
      expect(found.map((o) => o.invocationId)).toEqual([record.invocationId]);
    });

    it("gives a service lease to one runner at a time, renewable by its holder, free again once expired", async () => {
      const t0 = Date.now();
      const [a, b] = [runnerId("a"), runnerId("b")];
      const lease = (runner: string, now: number, service = "recovery") =>
        h.backend.orchestrator.acquireServiceLease({ service, runnerId: runner, ttlMs: 1_000, now });
      const racing = await Promise.all(Array.from({ length: 10 }, (_, i) => lease(runnerId(`r${i}`), t0)));
      expect(racing.filter(Boolean)).toHaveLength(1);
      await h.backend.orchestrator.purge();
      expect(await lease(a, t0)).toBe(true);
      expect(await lease(b, t0 + 500)).toBe(false);
      expect(await lease(b, t0 + 500, "retention")).toBe(true);
      expect(await lease(a, t0 + 900)).toBe(true);
      expect(await lease(b, t0 + 1_500)).toBe(false);
      expect(await lease(b, t0 + 2_000)).toBe(true);
    });

    it("purges invocations final before the cut-off, with their history and outcome; keeps the rest", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const old = await startInvocation(h.backend, runner, t0);
      await h.backend.orchestrator.transition({
        invocationId: old.invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        result: "1",
        now: t0 + 1,
      });
      const recent = await startInvocation(h.backend, runner, t0 + 2);
      await h.backend.orchestrator.transition({
        invocationId: recent.invocationId,
        to: S.FAILED,
        runnerId: runner,
        error: "{}",
        now: t0 + 5_000,
      });
      const running = await startInvocation(h.backend, runner, t0 + 3);
      expect(await h.backend.orchestrator.purgeFinalBefore({ before: t0 + 1_000, limit: 100 })).toBe(1);
      expect(await statusOf(h.backend, old.invocationId)).toBeNull();
      expect(await h.backend.stateBackend.getInvocation(old.invocationId)).toBeNull();
      expect(await h.backend.stateBackend.getHistory(old.invocationId)).toEqual([]);
      expect(await h.backend.stateBackend.getOutcome(old.invocationId)).toEqual({
        result: null,
        error: null,
      });
      expect((await statusOf(h.backend, recent.invocationId))?.status).toBe(S.FAILED);
      expect((await statusOf(h.backend, running.invocationId))?.status).toBe(S.RUNNING);
      expect(await h.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toHaveLength(2);
      expect(await h.backend.orchestrator.purgeFinalBefore({ before: t0 + 10_000, limit: 100 })).toBe(1);
      expect((await statusOf(h.backend, running.invocationId))?.status).toBe(S.RUNNING);
    });

    it("purges at most `limit` per call", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      for (let i = 0; i < 3; i++) {
        const inv = await startInvocation(h.backend, runner, t0 + i);
        await h.backend.orchestrator.transition({
          invocationId: inv.invocationId,
          to: S.SUCCESS,
          runnerId: runner,
          result: "1",
          now: t0 + i,
        });
      }
      expect(await h.backend.orchestrator.purgeFinalBefore({ before: t0 + 100, limit: 2 })).toBe(2);
      expect(await h.backend.orchestrator.purgeFinalBefore({ before: t0 + 100, limit: 2 })).toBe(1);
    });
  });
}
