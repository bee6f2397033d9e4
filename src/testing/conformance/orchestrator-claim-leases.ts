import { describe, expect, it } from "vitest";
import { InvocationStatusOwnershipError } from "../../errors/errors.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  claimOn,
  expectRejection,
  ids,
  makeRecord,
  makeRecords,
  register,
  runnerId,
  sorted,
  statusOf,
  useBackend,
} from "./fixtures.js";
import { expectHistory } from "./history.js";

const S = InvocationStatus;

/** Claims and time: delayed requeues, expired leases and stale queue entries. */
export function describeOrchestratorClaimLeases(factory: BackendFactory): void {
  describe("orchestrator.claim: delays, expired leases, stale entries", () => {
    const h = useBackend(factory);
    const claim = claimOn(h);

    it("does not hand out an invocation requeued with delayMs before now + delayMs, and does from then on", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const record = makeRecord();
      await register(h.backend, [record], runner, t0);
      await claim(runner, 1, t0);
      await h.backend.orchestrator.transition({
        invocationId: record.invocationId,
        to: S.REROUTED,
        runnerId: runner,
        now: t0 + 10,
        requeue: { delayMs: 5_000 },
      });
      expect(await h.backend.broker.size()).toBe(1);
      const other = runnerId("other");
      expect(await claim(other, 5, t0 + 10)).toEqual([]);
      expect(await claim(other, 5, t0 + 10 + 4_999)).toEqual([]);
      const claimed = await claim(other, 5, t0 + 10 + 5_000);
      expect(ids(claimed)).toEqual([record.invocationId]);
      await expectHistory(h.backend, record.invocationId, [S.REGISTERED, S.PENDING, S.REROUTED, S.PENDING]);
    });

    it("does not hand out a delayed retry early even when other invocations wait on it", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const [waited, waiter] = makeRecords(2);
      if (!waited || !waiter) throw new Error("fixture");
      await register(h.backend, [waited, waiter], runner, t0);
      await claim(runner, 2, t0);
      await h.backend.orchestrator.transition({
        invocationId: waited.invocationId,
        to: S.RUNNING,
        runnerId: runner,
        now: t0 + 1,
      });
      await h.backend.orchestrator.transition({
        invocationId: waited.invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 2,
        incrementRetries: true,
        requeue: { delayMs: 5_000 },
      });
      await h.backend.orchestrator.recordWaits(waiter.invocationId, [waited.invocationId]);
      expect(await claim(runnerId("other"), 5, t0 + 3)).toEqual([]);
      expect(ids(await claim(runnerId("other"), 5, t0 + 5_002))).toEqual([waited.invocationId]);
    });

    it("recovers a PENDING claim whose lease expired: another runner claims it through PENDING_RECOVERY and REROUTED", async () => {
      const t0 = Date.now();
      const dead = runnerId("dead");
      const alive = runnerId("alive");
      const record = makeRecord();
      await register(h.backend, [record], runnerId("client"), t0);
      const [first] = await claim(dead, 1, t0, 1_000);
      expect(first?.leaseUntil).toBe(t0 + 1_000);
      expect(await claim(alive, 1, t0 + 999)).toEqual([]);
      const [second, ...rest] = await claim(alive, 1, t0 + 1_001, 1_000);
      expect(rest).toEqual([]);
      expect(second?.record).toEqual(record);
      expect(second?.status).toEqual({ status: S.PENDING, ownerId: alive, timestamp: t0 + 1_001 });
      expect(second?.leaseUntil).toBe(t0 + 2_001);
      const history = await expectHistory(h.backend, record.invocationId, [
        S.REGISTERED,
        S.PENDING,
        S.PENDING_RECOVERY,
        S.REROUTED,
        S.PENDING,
      ]);
      expect(history.at(-1)).toEqual({ status: S.PENDING, runnerId: alive, timestamp: t0 + 1_001 });
      await expectRejection(
        h.backend.orchestrator.transition({
          invocationId: record.invocationId,
          to: S.RUNNING,
          runnerId: dead,
          now: t0 + 1_002,
        }),
        InvocationStatusOwnershipError,
      );
      expect(await statusOf(h.backend, record.invocationId)).toMatchObject({
        status: S.PENDING,
        ownerId: alive,
      });
    });

    it("lets exactly one of 10 concurrent claimers recover an expired lease", async () => {
      const t0 = Date.now();
      const record = makeRecord();
      await register(h.backend, [record], runnerId("client"), t0);
      await claim(runnerId("dead"), 1, t0, 1_000);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claim(`rescuer-${i}`, 1, t0 + 5_000)),
      );
      expect(results.flat().map((item) => item.record.invocationId)).toEqual([record.invocationId]);
      await expectHistory(h.backend, record.invocationId, [
        S.REGISTERED,
        S.PENDING,
        S.PENDING_RECOVERY,
        S.REROUTED,
        S.PENDING,
      ]);
    });

    it("does not make a RUNNING invocation claimable when its claim lease has passed", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const record = makeRecord();
      await register(h.backend, [record], runner, t0);
      await claim(runner, 1, t0, 1_000);
      await h.backend.orchestrator.transition({
        invocationId: record.invocationId,
        to: S.RUNNING,
        runnerId: runner,
        now: t0 + 1,
      });
      expect(await claim(runnerId("other"), 5, t0 + 60_000)).toEqual([]);
      expect(await statusOf(h.backend, record.invocationId)).toMatchObject({
        status: S.RUNNING,
        ownerId: runner,
      });
    });

    it("skips stale queue entries and claims an invocation queued twice only once", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const [finalOne, twice, plain] = makeRecords(3);
      if (!finalOne || !twice || !plain) throw new Error("fixture");
      await register(h.backend, [finalOne, twice, plain], client, t0);
      const transition = (
        invocationId: string,
        to: InvocationStatus,
        now: number,
        requeue?: { delayMs: number },
      ) =>
        h.backend.orchestrator.transition({
          invocationId,
          to,
          runnerId: client,
          now,
          ...(requeue ? { requeue } : {}),
        });
      await transition(finalOne.invocationId, S.CONCURRENCY_CONTROLLED_FINAL, t0 + 1);
      await transition(twice.invocationId, S.CONCURRENCY_CONTROLLED, t0 + 2);
      await transition(twice.invocationId, S.REROUTED, t0 + 3, { delayMs: 0 });
      const runner = runnerId("runner");
      const claimed = await claim(runner, 10, t0 + 4);
      expect(sorted(ids(claimed))).toEqual(sorted([twice.invocationId, plain.invocationId]));
      expect(await claim(runner, 10, t0 + 5)).toEqual([]);
      expect(await statusOf(h.backend, finalOne.invocationId)).toMatchObject({
        status: S.CONCURRENCY_CONTROLLED_FINAL,
      });
      await expectHistory(h.backend, twice.invocationId, [
        S.REGISTERED,
        S.CONCURRENCY_CONTROLLED,
        S.REROUTED,
        S.PENDING,
      ]);
    });
  });
}
