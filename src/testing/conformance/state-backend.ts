import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  makeRecord,
  register,
  runnerId,
  sorted,
  startInvocation,
  useBackend,
} from "./fixtures.js";
import { expectHistory } from "./history.js";

const S = InvocationStatus;

export function describeStateBackend(factory: BackendFactory): void {
  describe("stateBackend", () => {
    const h = useBackend(factory);

    it("knows nothing of an unknown id: null record, empty history, null outcome, no children", async () => {
      const unknown = randomUUID();
      expect(await h.backend.stateBackend.getInvocation(unknown)).toBeNull();
      expect(await h.backend.stateBackend.getHistory(unknown)).toEqual([]);
      expect(await h.backend.stateBackend.getOutcome(unknown)).toEqual({ result: null, error: null });
      expect(await h.backend.stateBackend.getChildInvocationIds(unknown)).toEqual([]);
    });

    it("keeps the outcome null through PENDING and RUNNING until a final status stores it", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      expect(await h.backend.stateBackend.getOutcome(invocationId)).toEqual({ result: null, error: null });
      await h.backend.orchestrator.transition({
        invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        now: t0 + 1,
        result: "",
      });
      expect(await h.backend.stateBackend.getOutcome(invocationId)).toEqual({ result: "", error: null });
    });

    it("returns the history in the order it was written, with runner ids and timestamps", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const runner = runnerId("runner");
      const record = makeRecord();
      await register(h.backend, [record], client, t0);
      const invocationId = record.invocationId;
      await h.backend.orchestrator.transition({
        invocationId,
        to: S.CONCURRENCY_CONTROLLED,
        runnerId: runner,
        now: t0 + 5,
      });
      await h.backend.orchestrator.transition({ invocationId, to: S.REROUTED, runnerId: null, now: t0 + 6 });
      const history = await expectHistory(h.backend, invocationId, [
        S.REGISTERED,
        S.CONCURRENCY_CONTROLLED,
        S.REROUTED,
      ]);
      expect(history).toEqual([
        { status: S.REGISTERED, runnerId: client, timestamp: t0 },
        { status: S.CONCURRENCY_CONTROLLED, runnerId: runner, timestamp: t0 + 5 },
        { status: S.REROUTED, runnerId: null, timestamp: t0 + 6 },
      ]);
    });

    it("lists the child invocations of a parent, across batches", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const parent = makeRecord();
      const unrelated = makeRecord();
      const first = makeRecord({ parentInvocationId: parent.invocationId, workflowId: parent.workflowId });
      const second = makeRecord({ parentInvocationId: parent.invocationId, workflowId: parent.workflowId });
      const grandchild = makeRecord({
        parentInvocationId: first.invocationId,
        workflowId: parent.workflowId,
      });
      await register(h.backend, [parent, unrelated, first], client, t0);
      await register(h.backend, [second, grandchild], client, t0 + 1);
      const children = (id: string) => h.backend.stateBackend.getChildInvocationIds(id).then(sorted);
      expect(await children(parent.invocationId)).toEqual(sorted([first.invocationId, second.invocationId]));
      expect(await children(first.invocationId)).toEqual([grandchild.invocationId]);
      expect(await children(second.invocationId)).toEqual([]);
      expect(await children(unrelated.invocationId)).toEqual([]);
    });

    it("stores runner contexts and returns null for an unknown runner", async () => {
      const r1 = runnerId("r1");
      const r2 = runnerId("r2");
      const first = JSON.stringify({ class: "AsyncRunner", parent: null, host: "h", pid: 1 });
      const second = JSON.stringify({ class: "ThreadRunner", parent: r1, host: "h", pid: 2 });
      await h.backend.stateBackend.storeRunnerContext(r1, first);
      await h.backend.stateBackend.storeRunnerContext(r2, second);
      expect(await h.backend.stateBackend.getRunnerContext(r1)).toBe(first);
      expect(await h.backend.stateBackend.getRunnerContext(r2)).toBe(second);
      expect(await h.backend.stateBackend.getRunnerContext(runnerId("unknown"))).toBeNull();
      await h.backend.stateBackend.storeRunnerContext(r1, first);
      expect(await h.backend.stateBackend.getRunnerContext(r1)).toBe(first);
    });

    it("purges runner contexts", async () => {
      const r1 = runnerId("r1");
      await h.backend.stateBackend.storeRunnerContext(r1, "{}");
      await h.backend.stateBackend.purge();
      expect(await h.backend.stateBackend.getRunnerContext(r1)).toBeNull();
    });
  });
}
