import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../status/statuses.js";
import { type BackendFactory, ids, makeRecord, register, runnerId, useBackend } from "./fixtures.js";

const S = InvocationStatus;

export function describeOrchestratorQueries(factory: BackendFactory): void {
  describe("orchestrator.getStatuses", () => {
    const h = useBackend(factory);

    it("returns the records of known ids and leaves unknown ids out", async () => {
      const t0 = Date.now();
      const a = makeRecord();
      const b = makeRecord();
      await register(h.backend, [a, b], runnerId("client"), t0);
      const unknown = randomUUID();
      const statuses = await h.backend.orchestrator.getStatuses([unknown, a.invocationId, b.invocationId]);
      expect([...statuses.keys()].sort()).toEqual([a.invocationId, b.invocationId].sort());
      expect(statuses.get(a.invocationId)).toEqual({ status: S.REGISTERED, ownerId: null, timestamp: t0 });
      expect(statuses.has(unknown)).toBe(false);
    });

    it("returns an empty map for no ids and for only unknown ids", async () => {
      expect((await h.backend.orchestrator.getStatuses([])).size).toBe(0);
      expect((await h.backend.orchestrator.getStatuses([randomUUID(), randomUUID()])).size).toBe(0);
    });
  });

  describe("orchestrator.listInvocations", () => {
    const h = useBackend(factory);

    /**
     * a (task A) registered at t0+1, b (task B) at t0+2, c (task A) at t0+3, then a moved to
     * CONCURRENCY_CONTROLLED_FINAL at t0+10: newest change first is a, c, b.
     */
    async function seed() {
      const t0 = Date.now();
      const client = runnerId("client");
      const a = makeRecord({ taskId: "tasks.a" });
      const b = makeRecord({ taskId: "tasks.b" });
      const c = makeRecord({ taskId: "tasks.a" });
      await register(h.backend, [a], client, t0 + 1);
      await register(h.backend, [b], client, t0 + 2);
      await register(h.backend, [c], client, t0 + 3);
      await h.backend.orchestrator.transition({
        invocationId: a.invocationId,
        to: S.CONCURRENCY_CONTROLLED_FINAL,
        runnerId: client,
        now: t0 + 10,
      });
      return { t0, a, b, c };
    }

    it("lists every invocation of the app, newest change first, with its summary", async () => {
      const { t0, a, b, c } = await seed();
      const all = await h.backend.orchestrator.listInvocations({ limit: 100, offset: 0 });
      expect(all).toEqual([
        {
          invocationId: a.invocationId,
          taskId: "tasks.a",
          status: S.CONCURRENCY_CONTROLLED_FINAL,
          ownerId: null,
          updatedAt: t0 + 10,
        },
        {
          invocationId: c.invocationId,
          taskId: "tasks.a",
          status: S.REGISTERED,
          ownerId: null,
          updatedAt: t0 + 3,
        },
        {
          invocationId: b.invocationId,
          taskId: "tasks.b",
          status: S.REGISTERED,
          ownerId: null,
          updatedAt: t0 + 2,
        },
      ]);
    });

    it("reflects the owner of owned statuses", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const a = makeRecord();
      await register(h.backend, [a], runner, t0);
      await h.backend.orchestrator.claim({ runnerId: runner, max: 1, leaseMs: 1000, now: t0 + 5 });
      expect(await h.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([
        {
          invocationId: a.invocationId,
          taskId: a.taskId,
          status: S.PENDING,
          ownerId: runner,
          updatedAt: t0 + 5,
        },
      ]);
    });

    it("filters by the time of the last change (both bounds inclusive), alone and with task and status", async () => {
      const { t0, a, b, c } = await seed();
      const list = (filter: Record<string, unknown>) =>
        h.backend.orchestrator.listInvocations({ limit: 100, offset: 0, ...filter });
      expect(ids(await list({ updatedSince: t0 + 3 }))).toEqual([a.invocationId, c.invocationId]);
      expect(ids(await list({ updatedUntil: t0 + 3 }))).toEqual([c.invocationId, b.invocationId]);
      expect(ids(await list({ updatedSince: t0 + 2, updatedUntil: t0 + 3 }))).toEqual([
        c.invocationId,
        b.invocationId,
      ]);
      expect(ids(await list({ updatedSince: t0 + 4, updatedUntil: t0 + 9 }))).toEqual([]);
      expect(ids(await list({ taskId: "tasks.a", updatedUntil: t0 + 9 }))).toEqual([c.invocationId]);
      expect(ids(await list({ statuses: [S.REGISTERED], updatedSince: t0 + 3 }))).toEqual([c.invocationId]);
      expect(
        ids(
          await list({
            taskId: "tasks.a",
            statuses: [S.REGISTERED],
            updatedSince: t0 + 2,
            updatedUntil: t0 + 3,
          }),
        ),
      ).toEqual([c.invocationId]);
      expect(ids(await list({ updatedSince: t0, limit: 1, offset: 1 }))).toEqual([c.invocationId]);
    });

    it("filters by task id", async () => {
      const { a, b, c } = await seed();
      const listA = await h.backend.orchestrator.listInvocations({
        taskId: "tasks.a",
        limit: 100,
        offset: 0,
      });
      expect(ids(listA)).toEqual([a.invocationId, c.invocationId]);
      const listB = await h.backend.orchestrator.listInvocations({
        taskId: "tasks.b",
        limit: 100,
        offset: 0,
      });
      expect(ids(listB)).toEqual([b.invocationId]);
      const none = await h.backend.orchestrator.listInvocations({
        taskId: "tasks.none",
        limit: 100,
        offset: 0,
      });
      expect(none).toEqual([]);
    });

    it("filters by statuses, alone and with a task id", async () => {
      const { a, b, c } = await seed();
      const registered = await h.backend.orchestrator.listInvocations({
        statuses: [S.REGISTERED],
        limit: 100,
        offset: 0,
      });
      expect(ids(registered)).toEqual([c.invocationId, b.invocationId]);
      const both = await h.backend.orchestrator.listInvocations({
        statuses: [S.REGISTERED, S.CONCURRENCY_CONTROLLED_FINAL],
        limit: 100,
        offset: 0,
      });
      expect(ids(both)).toEqual([a.invocationId, c.invocationId, b.invocationId]);
      const combined = await h.backend.orchestrator.listInvocations({
        taskId: "tasks.a",
        statuses: [S.REGISTERED],
        limit: 100,
        offset: 0,
      });
      expect(ids(combined)).toEqual([c.invocationId]);
      const running = await h.backend.orchestrator.listInvocations({
        statuses: [S.RUNNING],
        limit: 100,
        offset: 0,
      });
      expect(running).toEqual([]);
    });

    it("pages with limit and offset", async () => {
      const { a, b, c } = await seed();
      const page = (limit: number, offset: number) =>
        h.backend.orchestrator.listInvocations({ limit, offset }).then((list) => ids(list));
      expect(await page(1, 0)).toEqual([a.invocationId]);
      expect(await page(1, 1)).toEqual([c.invocationId]);
      expect(await page(2, 1)).toEqual([c.invocationId, b.invocationId]);
      expect(await page(5, 2)).toEqual([b.invocationId]);
      expect(await page(5, 3)).toEqual([]);
      const filtered = await h.backend.orchestrator.listInvocations({
        taskId: "tasks.a",
        limit: 1,
        offset: 1,
      });
      expect(ids(filtered)).toEqual([c.invocationId]);
    });
  });

  describe("orchestrator.countByStatus", () => {
    const h = useBackend(factory);

    it("counts the app's invocations per status, leaving out statuses with none", async () => {
      expect((await h.backend.orchestrator.countByStatus()).size).toBe(0);
      const t0 = Date.now();
      const client = runnerId("client");
      const runner = runnerId("runner");
      const records = [makeRecord(), makeRecord(), makeRecord(), makeRecord()];
      await register(h.backend, records, client, t0);
      const [first, second] = await h.backend.orchestrator.claim({
        runnerId: runner,
        max: 2,
        leaseMs: 60_000,
        now: t0 + 1,
        start: true,
      });
      if (!first || !second) throw new Error("expected two claims");
      await h.backend.orchestrator.transition({
        invocationId: first.record.invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        result: "1",
        now: t0 + 2,
      });
      const counts = await h.backend.orchestrator.countByStatus();
      expect(Object.fromEntries(counts)).toEqual({ [S.REGISTERED]: 2, [S.RUNNING]: 1, [S.SUCCESS]: 1 });
    });

    it("does not count another app's invocations", async () => {
      const other = await factory({ appId: `other_${randomUUID().slice(0, 8)}` });
      try {
        await register(other, [makeRecord(), makeRecord()], runnerId("client"), Date.now());
        await register(h.backend, [makeRecord()], runnerId("client"), Date.now());
        expect(Object.fromEntries(await h.backend.orchestrator.countByStatus())).toEqual({
          [S.REGISTERED]: 1,
        });
        expect(Object.fromEntries(await other.orchestrator.countByStatus())).toEqual({ [S.REGISTERED]: 2 });
      } finally {
        await other.purge();
        await other.close();
      }
    });
  });
}
