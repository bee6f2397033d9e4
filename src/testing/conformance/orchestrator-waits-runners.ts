import { describe, expect, it } from "vitest";
import type { InvocationRecord } from "../../backends/contract/index.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  ids,
  makeRecords,
  register,
  runnerId,
  sorted,
  startInvocation,
  useBackend,
} from "./fixtures.js";

const S = InvocationStatus;

function four(
  records: InvocationRecord[],
): [InvocationRecord, InvocationRecord, InvocationRecord, InvocationRecord] {
  const [a, b, c, d] = records;
  if (!a || !b || !c || !d) throw new Error("fixture");
  return [a, b, c, d];
}

export function describeOrchestratorWaitsAndRunners(factory: BackendFactory): void {
  describe("orchestrator.recordWaits: claim priority", () => {
    const h = useBackend(factory);
    const claim = (runner: string, max: number, now: number) =>
      h.backend.orchestrator.claim({ runnerId: runner, max, leaseMs: 60_000, now });

    /** Three RUNNING waiters, then a, b, c, d queued in that order. */
    async function seed() {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const waiters: string[] = [];
      for (let i = 0; i < 3; i++)
        waiters.push((await startInvocation(h.backend, owner, t0 + i)).invocationId);
      const [w1, w2, w3] = waiters;
      if (!w1 || !w2 || !w3) throw new Error("fixture");
      const queued = four(makeRecords(4));
      await register(h.backend, queued, owner, t0 + 10);
      return { t0, owner, w1, w2, w3, queued };
    }

    it("claims invocations others wait on before queue order, the most-waited-on first", async () => {
      const { t0, w1, w2, queued } = await seed();
      const [a, b, c, d] = queued;
      await h.backend.orchestrator.recordWaits(w1, [d.invocationId, c.invocationId]);
      await h.backend.orchestrator.recordWaits(w2, [d.invocationId]);
      const runner = runnerId("runner");
      const claimed = await claim(runner, 4, t0 + 20);
      expect(ids(claimed)).toEqual(ids([d, c, a, b]));
      expect(await claim(runner, 4, t0 + 21)).toEqual([]);
      expect(await h.backend.broker.size()).toBe(0);
    });

    it("keeps the priority order across claims of one invocation each", async () => {
      const { t0, w1, w2, w3, queued } = await seed();
      const [a, b, c, d] = queued;
      await h.backend.orchestrator.recordWaits(w1, [b.invocationId, c.invocationId, d.invocationId]);
      await h.backend.orchestrator.recordWaits(w2, [c.invocationId, d.invocationId]);
      await h.backend.orchestrator.recordWaits(w3, [d.invocationId]);
      const order: string[] = [];
      for (let i = 0; i < 5; i++) order.push(...ids(await claim(runnerId("runner"), 1, t0 + 20 + i)));
      expect(order).toEqual(ids([d, c, b, a]));
    });

    it("among equally waited-on invocations, claims the most recently registered first", async () => {
      const { t0, w1, w2, queued } = await seed();
      const [a, b, c, d] = queued;
      const [later] = makeRecords(1);
      if (!later) throw new Error("fixture");
      await register(h.backend, [later], runnerId("client"), t0 + 11);
      await h.backend.orchestrator.recordWaits(w1, [a.invocationId, later.invocationId, c.invocationId]);
      await h.backend.orchestrator.recordWaits(w2, [b.invocationId, a.invocationId]);
      const order: string[] = [];
      for (let i = 0; i < 6; i++) order.push(...ids(await claim(runnerId("runner"), 1, t0 + 20 + i)));
      expect(order).toEqual(ids([a, later, c, b, d]));
    });

    it("returns the status of each waited id that exists, read with the wait", async () => {
      const { t0, owner, w1, w2, queued } = await seed();
      const [a, b] = queued;
      await h.backend.orchestrator.transition({
        invocationId: w2,
        to: S.SUCCESS,
        runnerId: owner,
        result: "1",
        now: t0 + 12,
      });
      const statuses = await h.backend.orchestrator.recordWaits(w1, [
        a.invocationId,
        "no-such-id",
        w2,
        b.invocationId,
      ]);
      expect(statuses).toEqual(
        new Map([
          [a.invocationId, S.REGISTERED],
          [w2, S.SUCCESS],
          [b.invocationId, S.REGISTERED],
        ]),
      );
      expect(await h.backend.orchestrator.recordWaits(w1, [])).toEqual(new Map());
    });

    it("counts a wait recorded several times as one waiter", async () => {
      const { t0, w1, w2, w3, queued } = await seed();
      const [a, b, c, d] = queued;
      for (let i = 0; i < 3; i++) await h.backend.orchestrator.recordWaits(w1, [c.invocationId]);
      await h.backend.orchestrator.recordWaits(w2, [d.invocationId]);
      await h.backend.orchestrator.recordWaits(w3, [d.invocationId]);
      expect(ids(await claim(runnerId("runner"), 4, t0 + 20))).toEqual(ids([d, c, a, b]));
    });

    it("gives no priority to a waited-on invocation that is not available for run", async () => {
      const { t0, owner, w1, queued } = await seed();
      const [a, b, c, d] = queued;
      expect(ids(await claim(owner, 1, t0 + 20))).toEqual([a.invocationId]);
      await h.backend.orchestrator.recordWaits(w1, [a.invocationId]);
      expect(ids(await claim(runnerId("runner"), 4, t0 + 21))).toEqual(ids([b, c, d]));
    });

    it("claims nothing with max 0, even when waits exist", async () => {
      const { t0, w1, queued } = await seed();
      await h.backend.orchestrator.recordWaits(w1, ids(queued));
      expect(await claim(runnerId("runner"), 0, t0 + 20)).toEqual([]);
      expect(await h.backend.broker.size()).toBe(4);
    });

    it("accepts an empty list of waited ids", async () => {
      const { t0, w1, queued } = await seed();
      await h.backend.orchestrator.recordWaits(w1, []);
      expect(ids(await claim(runnerId("runner"), 4, t0 + 20))).toEqual(ids(queued));
    });
  });

  describe("orchestrator.renewLeases", () => {
    const h = useBackend(factory);

    it("extends only the leases the runner owns, returns their ids, and a renewed lease is not reclaimed", async () => {
      const t0 = Date.now();
      const [a, b, c, unknown] = four(makeRecords(4));
      await register(h.backend, [a, b, c], runnerId("client"), t0);
      const mine = runnerId("mine");
      const theirs = runnerId("theirs");
      await h.backend.orchestrator.claim({ runnerId: mine, max: 2, leaseMs: 1_000, now: t0 });
      await h.backend.orchestrator.claim({ runnerId: theirs, max: 1, leaseMs: 1_000, now: t0 });
      const renewed = await h.backend.orchestrator.renewLeases(
        mine,
        ids([a, b, c, unknown]),
        1_000,
        t0 + 900,
      );
      expect(sorted(renewed)).toEqual(sorted(ids([a, b])));
      const rescuer = runnerId("rescuer");
      const stolen = await h.backend.orchestrator.claim({
        runnerId: rescuer,
        max: 5,
        leaseMs: 1_000,
        now: t0 + 1_500,
      });
      expect(ids(stolen)).toEqual([c.invocationId]);
      const later = await h.backend.orchestrator.claim({
        runnerId: rescuer,
        max: 5,
        leaseMs: 1_000,
        now: t0 + 1_901,
      });
      expect(sorted(ids(later))).toEqual(sorted(ids([a, b])));
      expect(await h.backend.orchestrator.renewLeases(mine, ids([a, b]), 1_000, t0 + 2_000)).toEqual([]);
    });

    it("keeps returning invocations the runner still owns after RUNNING, not finished ones", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const running = await startInvocation(h.backend, runner, t0);
      const finished = await startInvocation(h.backend, runner, t0);
      await h.backend.orchestrator.transition({
        invocationId: finished.invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        now: t0 + 1,
        result: "1",
      });
      const renewed = await h.backend.orchestrator.renewLeases(
        runner,
        ids([running, finished]),
        5_000,
        t0 + 2,
      );
      expect(renewed).toEqual([running.invocationId]);
      expect(await h.backend.orchestrator.renewLeases(runner, [], 5_000, t0 + 3)).toEqual([]);
    });
  });

  describe("orchestrator.heartbeat and activeRunners", () => {
    const h = useBackend(factory);
    const context = (name: string) => JSON.stringify({ class: "AsyncRunner", name, host: "host", pid: 1 });

    it("lists runners seen at or after `since`, oldest first by first heartbeat, with their latest context", async () => {
      const t0 = Date.now();
      const [r1, r2, r3] = [runnerId("r1"), runnerId("r2"), runnerId("r3")];
      await h.backend.orchestrator.heartbeat([{ runnerId: r1, context: context("one") }], t0);
      await h.backend.orchestrator.heartbeat([{ runnerId: r2, context: context("two") }], t0 + 10);
      await h.backend.orchestrator.heartbeat([{ runnerId: r1, context: context("one again") }], t0 + 20);
      await h.backend.orchestrator.heartbeat([{ runnerId: r3, context: context("three") }], t0 + 30);
      expect(await h.backend.orchestrator.activeRunners(t0)).toEqual([
        { runnerId: r1, context: context("one again"), firstSeen: t0, lastSeen: t0 + 20 },
        { runnerId: r2, context: context("two"), firstSeen: t0 + 10, lastSeen: t0 + 10 },
        { runnerId: r3, context: context("three"), firstSeen: t0 + 30, lastSeen: t0 + 30 },
      ]);
      const names = async (since: number) =>
        (await h.backend.orchestrator.activeRunners(since)).map((r) => r.runnerId);
      expect(await names(t0 + 10)).toEqual([r1, r2, r3]);
      expect(await names(t0 + 11)).toEqual([r1, r3]);
      expect(await names(t0 + 30)).toEqual([r3]);
      expect(await names(t0 + 31)).toEqual([]);
    });

    it("stores a batch of heartbeats at once", async () => {
      const t0 = Date.now();
      const [r1, r2] = [runnerId("r1"), runnerId("r2")];
      await h.backend.orchestrator.heartbeat(
        [
          { runnerId: r1, context: context("one") },
          { runnerId: r2, context: context("two") },
        ],
        t0,
      );
      const active = await h.backend.orchestrator.activeRunners(t0);
      expect(sorted(active.map((r) => r.runnerId))).toEqual(sorted([r1, r2]));
      for (const runner of active) expect(runner).toMatchObject({ firstSeen: t0, lastSeen: t0 });
    });

    it("keeps one entry per runner under 20 concurrent heartbeats", async () => {
      const t0 = Date.now();
      const r1 = runnerId("r1");
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.backend.orchestrator.heartbeat([{ runnerId: r1, context: context("one") }], t0 + i),
        ),
      );
      const active = await h.backend.orchestrator.activeRunners(t0);
      expect(active.map((r) => r.runnerId)).toEqual([r1]);
    });
  });
}
