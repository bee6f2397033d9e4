import { describe, expect, it } from "vitest";
import type { Backend, TransitionRequest } from "../../backends/contract/index.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  ids,
  makeRecord,
  makeRecords,
  register,
  runnerId,
  startInvocation,
  statusOf,
  useBackend,
  within,
} from "./fixtures.js";
import { expectHistory } from "./history.js";

const S = InvocationStatus;

/** Resolves with the first final notification that names `invocationId`, and the status read inside it. */
function nextFinal(backend: Backend, invocationId: string) {
  const seen: string[] = [];
  let unsubscribe: () => void = () => {};
  const notified = new Promise<{ seen: string[]; status: Promise<InvocationStatus | undefined> }>(
    (resolve) => {
      unsubscribe = backend.orchestrator.onFinal((finalIds) => {
        seen.push(...finalIds);
        if (finalIds.includes(invocationId)) {
          const status = backend.orchestrator
            .getStatuses([invocationId])
            .then((map) => map.get(invocationId)?.status);
          resolve({ seen, status });
        }
      });
    },
  );
  return {
    notified: within(notified, 10_000, `onFinal(${invocationId})`).finally(() => unsubscribe()),
    seen,
  };
}

export function describeOrchestratorTransition(factory: BackendFactory): void {
  describe("orchestrator.transition: paths and side effects", () => {
    const h = useBackend(factory);
    const move = (request: TransitionRequest) => h.backend.orchestrator.transition(request);

    it("walks REGISTERED -> PENDING -> RUNNING -> SUCCESS, storing the result with the final status", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const runner = runnerId("runner");
      const record = makeRecord();
      const id = record.invocationId;
      await register(h.backend, [record], client, t0);
      await h.backend.orchestrator.claim({ runnerId: runner, max: 1, leaseMs: 10_000, now: t0 + 1 });
      expect(await h.backend.stateBackend.getOutcome(id)).toEqual({ result: null, error: null });
      const running = await move({ invocationId: id, to: S.RUNNING, runnerId: runner, now: t0 + 2 });
      expect(running).toEqual({
        previous: { status: S.PENDING, ownerId: runner, timestamp: t0 + 1 },
        current: { status: S.RUNNING, ownerId: runner, timestamp: t0 + 2 },
      });
      expect(await h.backend.stateBackend.getOutcome(id)).toEqual({ result: null, error: null });
      const done = await move({
        invocationId: id,
        to: S.SUCCESS,
        runnerId: runner,
        now: t0 + 3,
        result: '{"v":42}',
      });
      expect(done).toEqual({
        previous: { status: S.RUNNING, ownerId: runner, timestamp: t0 + 2 },
        current: { status: S.SUCCESS, ownerId: null, timestamp: t0 + 3 },
      });
      expect(await statusOf(h.backend, id)).toEqual({ status: S.SUCCESS, ownerId: null, timestamp: t0 + 3 });
      expect(await h.backend.stateBackend.getOutcome(id)).toEqual({ result: '{"v":42}', error: null });
      const history = await expectHistory(h.backend, id, [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
      expect(history).toEqual([
        { status: S.REGISTERED, runnerId: client, timestamp: t0 },
        { status: S.PENDING, runnerId: runner, timestamp: t0 + 1 },
        { status: S.RUNNING, runnerId: runner, timestamp: t0 + 2 },
        { status: S.SUCCESS, runnerId: runner, timestamp: t0 + 3 },
      ]);
    });

    it("keeps the owner through PAUSED and RESUMED until the final status", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      const paused = await move({ invocationId, to: S.PAUSED, runnerId: runner, now: t0 + 1 });
      expect(paused.current).toEqual({ status: S.PAUSED, ownerId: runner, timestamp: t0 + 1 });
      const resumed = await move({ invocationId, to: S.RESUMED, runnerId: runner, now: t0 + 2 });
      expect(resumed.current).toEqual({ status: S.RESUMED, ownerId: runner, timestamp: t0 + 2 });
      await move({ invocationId, to: S.SUCCESS, runnerId: runner, now: t0 + 3, result: "1" });
      await expectHistory(h.backend, invocationId, [
        S.REGISTERED,
        S.PENDING,
        S.RUNNING,
        S.PAUSED,
        S.RESUMED,
        S.SUCCESS,
      ]);
    });

    it("stores the error with FAILED and releases the owner", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      const failed = await move({
        invocationId,
        to: S.FAILED,
        runnerId: runner,
        now: t0 + 1,
        error: '{"msg":"boom"}',
      });
      expect(failed.current).toEqual({ status: S.FAILED, ownerId: null, timestamp: t0 + 1 });
      expect(await h.backend.stateBackend.getOutcome(invocationId)).toEqual({
        result: null,
        error: '{"msg":"boom"}',
      });
      await expectHistory(h.backend, invocationId, [S.REGISTERED, S.PENDING, S.RUNNING, S.FAILED]);
    });

    it("counts, stores the error and requeues with RETRY, so the invocation runs again", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      const retry = await move({
        invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 1,
        error: "attempt 1",
        incrementRetries: true,
        requeue: { delayMs: 0 },
      });
      expect(retry.current).toEqual({ status: S.RETRY, ownerId: null, timestamp: t0 + 1 });
      expect(await h.backend.orchestrator.getRetries(invocationId)).toBe(1);
      expect((await h.backend.stateBackend.getOutcome(invocationId)).error).toBe("attempt 1");
      expect(await h.backend.broker.size()).toBe(1);
      const other = runnerId("other");
      const [again] = await h.backend.orchestrator.claim({
        runnerId: other,
        max: 5,
        leaseMs: 1000,
        now: t0 + 2,
      });
      expect(again?.record.invocationId).toBe(invocationId);
      expect(again?.numRetries).toBe(1);
      await move({ invocationId, to: S.RUNNING, runnerId: other, now: t0 + 3 });
      await move({
        invocationId,
        to: S.RETRY,
        runnerId: other,
        now: t0 + 4,
        incrementRetries: true,
        requeue: { delayMs: 0 },
      });
      expect(await h.backend.orchestrator.getRetries(invocationId)).toBe(2);
      const [third] = await h.backend.orchestrator.claim({
        runnerId: runner,
        max: 5,
        leaseMs: 1000,
        now: t0 + 5,
      });
      expect(third?.numRetries).toBe(2);
      await move({ invocationId, to: S.RUNNING, runnerId: runner, now: t0 + 6 });
      await move({ invocationId, to: S.SUCCESS, runnerId: runner, now: t0 + 7, result: "done" });
      expect((await h.backend.stateBackend.getOutcome(invocationId)).result).toBe("done");
      await expectHistory(h.backend, invocationId, [
        ...[S.REGISTERED, S.PENDING, S.RUNNING, S.RETRY],
        ...[S.PENDING, S.RUNNING, S.RETRY, S.PENDING, S.RUNNING, S.SUCCESS],
      ]);
    });

    it("requeues with REROUTED (from PENDING) and with KILLED -> REROUTED (from RUNNING)", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const [pending, running] = makeRecords(2);
      if (!pending || !running) throw new Error("fixture");
      await register(h.backend, [pending, running], runner, t0);
      await h.backend.orchestrator.claim({ runnerId: runner, max: 2, leaseMs: 10_000, now: t0 });
      await move({ invocationId: running.invocationId, to: S.RUNNING, runnerId: runner, now: t0 + 1 });
      const rerouted = await move({
        invocationId: pending.invocationId,
        to: S.REROUTED,
        runnerId: runner,
        now: t0 + 2,
        requeue: { delayMs: 0 },
      });
      expect(rerouted.current).toEqual({ status: S.REROUTED, ownerId: null, timestamp: t0 + 2 });
      const killed = await move({
        invocationId: running.invocationId,
        to: S.KILLED,
        runnerId: runner,
        now: t0 + 3,
      });
      expect(killed.current.ownerId).toBeNull();
      await move({
        invocationId: running.invocationId,
        to: S.REROUTED,
        runnerId: runner,
        now: t0 + 4,
        requeue: { delayMs: 0 },
      });
      expect(await h.backend.broker.size()).toBe(2);
      const other = runnerId("other");
      const claimed = await h.backend.orchestrator.claim({
        runnerId: other,
        max: 5,
        leaseMs: 1000,
        now: t0 + 5,
      });
      expect(ids(claimed)).toEqual([pending.invocationId, running.invocationId]);
      await expectHistory(h.backend, pending.invocationId, [S.REGISTERED, S.PENDING, S.REROUTED, S.PENDING]);
      await expectHistory(h.backend, running.invocationId, [
        ...[S.REGISTERED, S.PENDING, S.RUNNING],
        ...[S.KILLED, S.REROUTED, S.PENDING],
      ]);
    });

    it("notifies onFinal listeners after the final status is committed", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const paused = await startInvocation(h.backend, runner, t0);
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      const { notified } = nextFinal(h.backend, invocationId);
      await move({ invocationId: paused.invocationId, to: S.PAUSED, runnerId: runner, now: t0 + 1 });
      await move({ invocationId, to: S.SUCCESS, runnerId: runner, now: t0 + 2, result: "1" });
      const { seen, status } = await notified;
      expect(await status).toBe(S.SUCCESS);
      expect(seen).not.toContain(paused.invocationId);
    });

    it("notifies onFinal for FAILED and CONCURRENCY_CONTROLLED_FINAL too, and not an unsubscribed listener", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const failed = await startInvocation(h.backend, runner, t0);
      const blocked = makeRecord();
      await register(h.backend, [blocked], runner, t0);
      const dropped: string[] = [];
      const unsubscribe = h.backend.orchestrator.onFinal((finalIds) => dropped.push(...finalIds));
      unsubscribe();
      const first = nextFinal(h.backend, failed.invocationId);
      const second = nextFinal(h.backend, blocked.invocationId);
      await move({
        invocationId: failed.invocationId,
        to: S.FAILED,
        runnerId: runner,
        now: t0 + 1,
        error: "e",
      });
      await move({
        invocationId: blocked.invocationId,
        to: S.CONCURRENCY_CONTROLLED_FINAL,
        runnerId: runner,
        now: t0 + 2,
      });
      expect(await (await first.notified).status).toBe(S.FAILED);
      expect(await (await second.notified).status).toBe(S.CONCURRENCY_CONTROLLED_FINAL);
      expect(dropped).toEqual([]);
    });

    it("removes the wait edges of an invocation entering a final status", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const waiter = await startInvocation(h.backend, runner, t0);
      const records = makeRecords(3);
      const last = records[2];
      if (!last) throw new Error("fixture");
      await register(h.backend, records, runner, t0 + 1);
      await h.backend.orchestrator.recordWaits(waiter.invocationId, [last.invocationId]);
      await move({
        invocationId: waiter.invocationId,
        to: S.FAILED,
        runnerId: runner,
        now: t0 + 2,
        error: "e",
      });
      const claimed = await h.backend.orchestrator.claim({
        runnerId: runner,
        max: 3,
        leaseMs: 1000,
        now: t0 + 3,
      });
      expect(ids(claimed)).toEqual(ids(records));
    });
  });
}
