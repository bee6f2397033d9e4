import { describe, expect, it } from "vitest";
import type { InvocationRecord } from "../../backends/contract/records.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  ids,
  makeRecord,
  makeRecords,
  runnerId,
  statusOf,
  useBackend,
} from "./fixtures.js";
import { expectHistory } from "./history.js";

const S = InvocationStatus;

export function describeOrchestratorConcurrency(factory: BackendFactory): void {
  describe("registration concurrency", () => {
    const h = useBackend(factory);
    const client = runnerId("client");

    it("reuses an invocation still waiting to run that has the same key, storing nothing", async () => {
      const t0 = Date.now();
      const first = makeRecord({
        registrationKey: "k1",
        runningKey: "r",
        runningLimit: 3,
        rerouteOnConcurrencyControl: false,
      });
      const second = makeRecord({ registrationKey: "k1" });
      const other = makeRecord({ registrationKey: "k2" });
      const outcomes = await h.backend.orchestrator.register({
        invocations: [first],
        runnerId: client,
        now: t0,
      });
      expect(outcomes).toEqual([{ invocationId: first.invocationId, reusedInvocationId: null }]);
      expect(await h.backend.stateBackend.getInvocation(first.invocationId)).toEqual(first);
      const again = await h.backend.orchestrator.register({
        invocations: [second, other],
        runnerId: client,
        now: t0,
      });
      expect(again).toEqual([
        { invocationId: second.invocationId, reusedInvocationId: first.invocationId },
        { invocationId: other.invocationId, reusedInvocationId: null },
      ]);
      expect(await statusOf(h.backend, second.invocationId)).toBeNull();
      expect(await h.backend.stateBackend.getInvocation(second.invocationId)).toBeNull();
      expect(await h.backend.broker.size()).toBe(2);
    });

    it("reuses an earlier record of the same batch", async () => {
      const [a, b] = makeRecords(2, { registrationKey: "same" });
      if (!a || !b) throw new Error("fixture");
      const outcomes = await h.backend.orchestrator.register({
        invocations: [a, b],
        runnerId: client,
        now: Date.now(),
      });
      expect(outcomes.map((o) => o.reusedInvocationId)).toEqual([null, a.invocationId]);
    });

    it("registers anew once the matching invocation has started", async () => {
      const t0 = Date.now();
      const first = makeRecord({ registrationKey: "k" });
      await h.backend.orchestrator.register({ invocations: [first], runnerId: client, now: t0 });
      await h.backend.orchestrator.claim({ runnerId: runnerId("r"), max: 1, leaseMs: 60_000, now: t0 });
      const second = makeRecord({ registrationKey: "k" });
      const [outcome] = await h.backend.orchestrator.register({
        invocations: [second],
        runnerId: client,
        now: t0,
      });
      expect(outcome?.reusedInvocationId).toBeNull();
    });

    it("20 racing registrations with one key store exactly one invocation", async () => {
      const records = makeRecords(20, { registrationKey: "race" });
      const outcomes = await Promise.all(
        records.map((r) =>
          h.backend.orchestrator.register({ invocations: [r], runnerId: client, now: Date.now() }),
        ),
      );
      const stored = outcomes.flat().filter((o) => o.reusedInvocationId === null);
      expect(stored).toHaveLength(1);
      const winner = stored[0]?.invocationId;
      expect(
        outcomes.flat().every((o) => o.reusedInvocationId === null || o.reusedInvocationId === winner),
      ).toBe(true);
      expect(await h.backend.broker.size()).toBe(1);
    });
  });

  describe("running concurrency", () => {
    const h = useBackend(factory);
    const client = runnerId("client");
    const lease = 60_000;
    const claim = (runner: string, max: number, now: number) =>
      h.backend.orchestrator.claim({ runnerId: runner, max, leaseMs: lease, now });
    const finish = async (id: string, runner: string, now: number) => {
      await h.backend.orchestrator.transition({ invocationId: id, to: S.RUNNING, runnerId: runner, now });
      await h.backend.orchestrator.transition({
        invocationId: id,
        to: S.SUCCESS,
        runnerId: runner,
        result: "1",
        now,
      });
    };
    const keyed = (key: string, extra: Partial<InvocationRecord> = {}) =>
      makeRecord({ runningKey: key, ...extra });

    it("limit 1: a blocked invocation goes CONCURRENCY_CONTROLLED -> REROUTED, is parked, and runs once the slot frees", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const [a, b, c] = [keyed("k"), keyed("k"), keyed("other")];
      await h.backend.orchestrator.register({ invocations: [a, b, c], runnerId: client, now: t0 });
      expect(ids(await claim(runner, 3, t0))).toEqual([a.invocationId, c.invocationId]);
      expect((await statusOf(h.backend, b.invocationId))?.status).toBe(S.REROUTED);
      expect(await h.backend.stateBackend.getInvocation(b.invocationId)).toEqual(b);
      expect(await claim(runner, 3, t0 + 1)).toEqual([]); // parked: no hot loop of reroutes
      await finish(a.invocationId, runner, t0 + 2);
      expect(ids(await claim(runner, 3, t0 + 3))).toEqual([b.invocationId]);
      await finish(b.invocationId, runner, t0 + 4);
      await expectHistory(h.backend, b.invocationId, [
        S.REGISTERED,
        S.CONCURRENCY_CONTROLLED,
        S.REROUTED,
        S.PENDING,
        S.RUNNING,
        S.SUCCESS,
      ]);
    });

    it("a freed slot goes to the oldest parked invocation still waiting; parked ones that ended are skipped", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const [a, b, c] = [keyed("k"), keyed("k"), keyed("k")];
      await h.backend.orchestrator.register({ invocations: [a, b, c], runnerId: client, now: t0 });
      expect(ids(await claim(runner, 3, t0))).toEqual([a.invocationId]);
      await h.backend.orchestrator.transition({
        invocationId: b.invocationId,
        to: S.CONCURRENCY_CONTROLLED_FINAL,
        runnerId: runner,
        now: t0 + 1,
      });
      await finish(a.invocationId, runner, t0 + 2);
      expect(ids(await claim(runner, 3, t0 + 3))).toEqual([c.invocationId]);
      expect((await statusOf(h.backend, b.invocationId))?.status).toBe(S.CONCURRENCY_CONTROLLED_FINAL);
    });

    it("with `start`, a claim into RUNNING takes the slot, and the SUCCESS of the same turn frees it", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const [a, b] = [keyed("k"), keyed("k")];
      await h.backend.orchestrator.register({ invocations: [a, b], runnerId: client, now: t0 });
      const start = (now: number) =>
        h.backend.orchestrator.claim({ runnerId: runner, max: 2, leaseMs: lease, now, start: true });
      expect(ids(await start(t0))).toEqual([a.invocationId]);
      expect((await statusOf(h.backend, b.invocationId))?.status).toBe(S.REROUTED);
      // The outcome and the next claim issued together (one group commit where a backend has one).
      const [, next] = await Promise.all([
        h.backend.orchestrator.transition({
          invocationId: a.invocationId,
          to: S.SUCCESS,
          runnerId: runner,
          result: "1",
          now: t0 + 1,
        }),
        start(t0 + 1),
      ]);
      // Either order is a valid interleaving; the slot never has two holders.
      const claimedB = next.length > 0 ? next : await start(t0 + 2);
      expect(ids(claimedB)).toEqual([b.invocationId]);
      expect((await statusOf(h.backend, b.invocationId))?.status).toBe(S.RUNNING);
    });

    it("limit 2 allows two holders; every release (retry, kill, recovery, final) frees the slot", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const records = Array.from({ length: 5 }, () => keyed("k2", { runningLimit: 2 }));
      await h.backend.orchestrator.register({ invocations: records, runnerId: client, now: t0 });
      const first = ids(await claim(runner, 5, t0));
      expect(first).toHaveLength(2);
      const [x, y] = first;
      if (!x || !y) throw new Error("fixture");
      await h.backend.orchestrator.transition({
        invocationId: x,
        to: S.RUNNING,
        runnerId: runner,
        now: t0 + 1,
      });
      await h.backend.orchestrator.transition({
        invocationId: x,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 2,
        incrementRetries: true,
        requeue: { delayMs: 0 },
      });
      expect(ids(await claim(runner, 5, t0 + 3))).toHaveLength(1); // the retry or a parked one takes the slot
      await h.backend.orchestrator.transition({
        invocationId: y,
        to: S.KILLED,
        runnerId: runner,
        now: t0 + 4,
      });
      expect(ids(await claim(runner, 5, t0 + 5))).toHaveLength(1);
      const holders = (
        await h.backend.orchestrator.listInvocations({ statuses: [S.PENDING], limit: 10, offset: 0 })
      ).map((row) => row.invocationId);
      expect(holders).toHaveLength(2);
      const [p] = holders;
      if (!p) throw new Error("fixture");
      await h.backend.orchestrator.transition({
        invocationId: p,
        to: S.PENDING_RECOVERY,
        runnerId: runnerId("rescuer"),
        now: t0 + 6,
      });
      expect(ids(await claim(runner, 5, t0 + 7))).toHaveLength(1);
    });

    it("never hands out more than the limit to 30 concurrent claimers", async () => {
      const t0 = Date.now();
      const records = Array.from({ length: 40 }, (_, i) => keyed(`key-${i % 4}`, { runningLimit: 2 }));
      await h.backend.orchestrator.register({ invocations: records, runnerId: client, now: t0 });
      const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => claim(runnerId(`c${i}`), 3, t0)));
      const claimed = claims.flat();
      const perKey = new Map<string, number>();
      for (const c of claimed)
        perKey.set(c.record.runningKey ?? "", (perKey.get(c.record.runningKey ?? "") ?? 0) + 1);
      expect(claimed).toHaveLength(8);
      expect([...perKey.values()].every((n) => n === 2)).toBe(true);
    });

    it("without rerouting, a blocked invocation ends CONCURRENCY_CONTROLLED_FINAL and notifies final listeners", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const a = keyed("k");
      const b = keyed("k", { rerouteOnConcurrencyControl: false });
      const finals: string[] = [];
      const unsubscribe = h.backend.orchestrator.onFinal((got) => finals.push(...got));
      await h.backend.orchestrator.register({ invocations: [a, b], runnerId: client, now: t0 });
      expect(ids(await claim(runner, 2, t0))).toEqual([a.invocationId]);
      await expectHistory(h.backend, b.invocationId, [S.REGISTERED, S.CONCURRENCY_CONTROLLED_FINAL]);
      for (let i = 0; i < 100 && !finals.includes(b.invocationId); i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(finals).toContain(b.invocationId);
      unsubscribe();
    });

    it("a blocked RETRY is parked like the others (no invalid transition)", async () => {
      const t0 = Date.now();
      const runner = runnerId("r");
      const a = keyed("k");
      const b = keyed("k");
      await h.backend.orchestrator.register({ invocations: [a], runnerId: client, now: t0 });
      await claim(runner, 1, t0);
      await h.backend.orchestrator.transition({
        invocationId: a.invocationId,
        to: S.RUNNING,
        runnerId: runner,
        now: t0,
      });
      await h.backend.orchestrator.register({ invocations: [b], runnerId: client, now: t0 + 1 });
      await h.backend.orchestrator.transition({
        invocationId: a.invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 2,
        requeue: { delayMs: 0 },
      });
      // b takes the freed slot; a (RETRY) is then blocked and parked.
      expect(ids(await claim(runner, 2, t0 + 3))).toEqual([b.invocationId]);
      await expectHistory(h.backend, a.invocationId, [
        S.REGISTERED,
        S.PENDING,
        S.RUNNING,
        S.RETRY,
        S.CONCURRENCY_CONTROLLED,
        S.REROUTED,
      ]);
      await finish(b.invocationId, runner, t0 + 4);
      expect(ids(await claim(runner, 2, t0 + 5))).toEqual([a.invocationId]);
    });
  });
}
