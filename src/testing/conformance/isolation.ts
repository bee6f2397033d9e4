import { describe, expect, it } from "vitest";
import type { Backend } from "../../backends/contract/index.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  ids,
  makeRecord,
  makeRecords,
  register,
  runnerId,
  startInvocation,
  useBackend,
} from "./fixtures.js";
import { expectHistory } from "./history.js";

const S = InvocationStatus;

/** Asserts that `backend` holds nothing of `invocationIds` and nothing in its queue or lists. */
async function expectEmpty(backend: Backend, invocationIds: string[], now: number): Promise<void> {
  expect((await backend.orchestrator.getStatuses(invocationIds)).size).toBe(0);
  expect(await backend.broker.size()).toBe(0);
  expect(await backend.orchestrator.listInvocations({ limit: 100, offset: 0 })).toEqual([]);
  for (const invocationId of invocationIds) {
    expect(await backend.stateBackend.getInvocation(invocationId)).toBeNull();
    expect(await backend.stateBackend.getHistory(invocationId)).toEqual([]);
    expect(await backend.stateBackend.getOutcome(invocationId)).toEqual({ result: null, error: null });
  }
  expect(
    await backend.orchestrator.claim({ runnerId: runnerId("probe"), max: 100, leaseMs: 1, now }),
  ).toEqual([]);
}

export function describeIsolation(factory: BackendFactory): void {
  describe("app isolation and purge", () => {
    const h = useBackend(factory);

    it("keeps registrations, statuses and claims of two apps apart", async () => {
      const t0 = Date.now();
      const other = await h.open();
      const mine = makeRecords(2);
      const theirs = makeRecords(3);
      await register(h.backend, mine, runnerId("client"), t0);
      await register(other, theirs, runnerId("client"), t0);
      expect(await h.backend.broker.size()).toBe(2);
      expect(await other.broker.size()).toBe(3);
      expect((await h.backend.orchestrator.getStatuses(ids(theirs))).size).toBe(0);
      expect(await h.backend.stateBackend.getInvocation(ids(theirs)[0] ?? "")).toBeNull();
      expect(ids(await other.orchestrator.listInvocations({ limit: 100, offset: 0 })).sort()).toEqual(
        ids(theirs).sort(),
      );
      const claimed = await h.backend.orchestrator.claim({
        runnerId: runnerId("r"),
        max: 10,
        leaseMs: 1_000,
        now: t0 + 1,
      });
      expect(ids(claimed)).toEqual(ids(mine));
      expect(await other.broker.size()).toBe(3);
      const theirClaim = await other.orchestrator.claim({
        runnerId: runnerId("r"),
        max: 10,
        leaseMs: 1_000,
        now: t0 + 1,
      });
      expect(ids(theirClaim)).toEqual(ids(theirs));
    });

    it("lets two apps register the same invocation id independently", async () => {
      const t0 = Date.now();
      const other = await h.open();
      const record = makeRecord();
      const runner = runnerId("runner");
      await register(h.backend, [record], runner, t0);
      await register(other, [{ ...record, args: { other: "1" } }], runner, t0 + 1);
      await h.backend.orchestrator.claim({ runnerId: runner, max: 1, leaseMs: 1_000, now: t0 + 2 });
      await h.backend.orchestrator.transition({
        invocationId: record.invocationId,
        to: S.RUNNING,
        runnerId: runner,
        now: t0 + 3,
      });
      expect(await h.backend.stateBackend.getInvocation(record.invocationId)).toEqual(record);
      expect((await other.stateBackend.getInvocation(record.invocationId))?.args).toEqual({ other: "1" });
      await expectHistory(other, record.invocationId, [S.REGISTERED]);
      expect((await other.orchestrator.getStatuses([record.invocationId])).get(record.invocationId)).toEqual({
        status: S.REGISTERED,
        ownerId: null,
        timestamp: t0 + 1,
      });
    });

    it("keeps runners, runner contexts and client data of two apps apart", async () => {
      const t0 = Date.now();
      const other = await h.open();
      const runner = runnerId("runner");
      await h.backend.orchestrator.heartbeat([{ runnerId: runner, context: "{}" }], t0);
      await h.backend.stateBackend.storeRunnerContext(runner, "{}");
      await h.backend.clientDataStore.put("key", "mine");
      expect(await other.orchestrator.activeRunners(0)).toEqual([]);
      expect(await other.stateBackend.getRunnerContext(runner)).toBeNull();
      expect(await other.clientDataStore.get("key")).toBeNull();
      await other.clientDataStore.put("key", "theirs");
      expect(await h.backend.clientDataStore.get("key")).toBe("mine");
    });

    it("purges everything of the app and nothing of another", async () => {
      const t0 = Date.now();
      const other = await h.open();
      const runner = runnerId("runner");
      const done = await startInvocation(h.backend, runner, t0);
      await h.backend.orchestrator.transition({
        invocationId: done.invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 1,
        error: "e",
        incrementRetries: true,
        requeue: { delayMs: 0 },
      });
      const queued = makeRecords(2);
      await register(h.backend, queued, runner, t0 + 2);
      await h.backend.orchestrator.heartbeat([{ runnerId: runner, context: "{}" }], t0);
      await h.backend.stateBackend.storeRunnerContext(runner, "{}");
      await h.backend.clientDataStore.put("key", "mine");
      const theirs = makeRecord();
      await register(other, [theirs], runner, t0);
      await other.clientDataStore.put("key", "theirs");
      await other.stateBackend.storeRunnerContext(runner, "theirs");

      await h.backend.purge();

      await expectEmpty(h.backend, [done.invocationId, ...ids(queued)], t0 + 3);
      expect(await h.backend.orchestrator.getRetries(done.invocationId)).toBe(0);
      expect(await h.backend.orchestrator.activeRunners(0)).toEqual([]);
      expect(await h.backend.stateBackend.getRunnerContext(runner)).toBeNull();
      expect(await h.backend.clientDataStore.get("key")).toBeNull();
      expect(await other.broker.size()).toBe(1);
      expect(await other.stateBackend.getInvocation(theirs.invocationId)).toEqual(theirs);
      await expectHistory(other, theirs.invocationId, [S.REGISTERED]);
      expect(await other.clientDataStore.get("key")).toBe("theirs");
      expect(await other.stateBackend.getRunnerContext(runner)).toBe("theirs");
    });

    it("forgets waits on purge and works normally afterwards, even with the same ids", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const waiter = await startInvocation(h.backend, runner, t0);
      const records = makeRecords(3);
      const [first, , last] = records;
      if (!first || !last) throw new Error("fixture");
      await register(h.backend, records, runner, t0 + 1);
      await h.backend.orchestrator.recordWaits(waiter.invocationId, [last.invocationId]);
      await h.backend.purge();
      await register(h.backend, records, runner, t0 + 2);
      await expectHistory(h.backend, first.invocationId, [S.REGISTERED]);
      const claimed = await h.backend.orchestrator.claim({
        runnerId: runner,
        max: 5,
        leaseMs: 1_000,
        now: t0 + 3,
      });
      expect(ids(claimed)).toEqual(ids(records));
    });
  });
}
