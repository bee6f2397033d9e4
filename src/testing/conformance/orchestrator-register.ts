import { describe, expect, it } from "vitest";
import { InvocationStatusTransitionError } from "../../errors/errors.js";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
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

export function describeOrchestratorRegister(factory: BackendFactory): void {
  describe("orchestrator.register", () => {
    const h = useBackend(factory);

    it("stores a single invocation, readable through the state backend", async () => {
      const t0 = Date.now();
      const record = makeRecord({ createdAt: t0 });
      await register(h.backend, [record], runnerId("client"), t0);
      expect(await h.backend.stateBackend.getInvocation(record.invocationId)).toEqual(record);
    });

    it("stores a batch with its arguments preserved: values, call order and empty args", async () => {
      const t0 = Date.now();
      const noArgs = makeRecord({ args: {}, createdAt: t0 });
      const ordered = makeRecord({
        args: { zeta: '"z"', alpha: "1", mid: '{"nested":[1,2]}' },
        createdAt: t0,
      });
      const unicode = makeRecord({ args: { text: JSON.stringify("héllo ✓ 日本") }, createdAt: t0 });
      const child = makeRecord({ parentInvocationId: noArgs.invocationId, workflowId: noArgs.workflowId });
      await register(h.backend, [noArgs, ordered, unicode, child], runnerId("client"), t0);
      for (const record of [noArgs, ordered, unicode, child]) {
        const stored = await h.backend.stateBackend.getInvocation(record.invocationId);
        expect(stored).toEqual(record);
        expect(Object.keys(stored?.args ?? { missing: "" })).toEqual(Object.keys(record.args));
      }
    });

    it("sets status REGISTERED with no owner, timestamped with `now`", async () => {
      const t0 = Date.now();
      const records = makeRecords(3, { createdAt: t0 });
      await register(h.backend, records, runnerId("client"), t0);
      const statuses = await h.backend.orchestrator.getStatuses(ids(records));
      expect(statuses.size).toBe(3);
      for (const record of records) {
        expect(statuses.get(record.invocationId)).toEqual({
          status: S.REGISTERED,
          ownerId: null,
          timestamp: t0,
        });
      }
    });

    it("writes a history of exactly [REGISTERED by the registering runner]", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const records = makeRecords(2, { createdAt: t0 });
      await register(h.backend, records, client, t0);
      for (const record of records) {
        const history = await expectHistory(h.backend, record.invocationId, [S.REGISTERED]);
        expect(history).toEqual([{ status: S.REGISTERED, runnerId: client, timestamp: t0 }]);
      }
    });

    it("starts the retry counter at 0 and the outcome empty", async () => {
      const t0 = Date.now();
      const record = makeRecord({ createdAt: t0 });
      await register(h.backend, [record], runnerId("client"), t0);
      expect(await h.backend.orchestrator.getRetries(record.invocationId)).toBe(0);
      expect(await h.backend.stateBackend.getOutcome(record.invocationId)).toEqual({
        result: null,
        error: null,
      });
    });

    it("grows the broker queue by one entry per registered invocation", async () => {
      const t0 = Date.now();
      expect(await h.backend.broker.size()).toBe(0);
      await register(h.backend, [makeRecord()], runnerId("client"), t0);
      expect(await h.backend.broker.size()).toBe(1);
      await register(h.backend, makeRecords(4), runnerId("client"), t0 + 1);
      expect(await h.backend.broker.size()).toBe(5);
    });

    it("accepts an empty batch and stores nothing", async () => {
      await register(h.backend, [], runnerId("client"), Date.now());
      expect(await h.backend.broker.size()).toBe(0);
      expect(await h.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([]);
    });

    it("fails a batch containing an already-registered id and stores nothing of that batch", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const existing = makeRecord({ createdAt: t0 });
      await register(h.backend, [existing], client, t0);
      const fresh = makeRecords(2, { createdAt: t0 + 1 });
      const [first, second] = fresh;
      if (!first || !second) throw new Error("fixture");
      const duplicate = { ...existing, args: { other: "1" }, createdAt: t0 + 1 };
      await expectRejection(
        h.backend.orchestrator.register({
          invocations: [first, duplicate, second],
          runnerId: client,
          now: t0 + 1,
        }),
        InvocationStatusTransitionError,
      );
      for (const record of fresh) {
        expect(await statusOf(h.backend, record.invocationId)).toBeNull();
        expect(await h.backend.stateBackend.getInvocation(record.invocationId)).toBeNull();
        expect(await h.backend.stateBackend.getHistory(record.invocationId)).toEqual([]);
      }
      expect(await h.backend.broker.size()).toBe(1);
      expect(await h.backend.stateBackend.getInvocation(existing.invocationId)).toEqual(existing);
      expect(await statusOf(h.backend, existing.invocationId)).toEqual({
        status: S.REGISTERED,
        ownerId: null,
        timestamp: t0,
      });
      await expectHistory(h.backend, existing.invocationId, [S.REGISTERED]);
      const claimed = await h.backend.orchestrator.claim({
        runnerId: client,
        max: 10,
        leaseMs: 1000,
        now: t0 + 2,
      });
      expect(ids(claimed)).toEqual([existing.invocationId]);
    });

    it("fails a batch that repeats an id and stores nothing of it", async () => {
      const t0 = Date.now();
      const [first, second] = makeRecords(2, { createdAt: t0 });
      if (!first || !second) throw new Error("fixture");
      await expectRejection(
        h.backend.orchestrator.register({
          invocations: [first, second, first],
          runnerId: runnerId("c"),
          now: t0,
        }),
        InvocationStatusTransitionError,
      );
      expect(await statusOf(h.backend, first.invocationId)).toBeNull();
      expect(await statusOf(h.backend, second.invocationId)).toBeNull();
      expect(await h.backend.broker.size()).toBe(0);
    });

    it("lets exactly one of 10 concurrent registrations of the same id succeed", async () => {
      const t0 = Date.now();
      const record = makeRecord({ createdAt: t0 });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => register(h.backend, [record], `client-${i}`, t0)),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected") {
          expect(result.reason).toMatchObject({ code: InvocationStatusTransitionError.name });
        }
      }
      await expectHistory(h.backend, record.invocationId, [S.REGISTERED]);
      expect(await h.backend.broker.size()).toBe(1);
      expect(sorted(ids(await h.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })))).toEqual([
        record.invocationId,
      ]);
    });
  });
}
