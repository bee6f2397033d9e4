import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  CLAIM_LEASE_MS,
  claimOn,
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

export function describeOrchestratorClaim(factory: BackendFactory): void {
  describe("orchestrator.claim", () => {
    const h = useBackend(factory);
    const claim = claimOn(h);

    it("returns nothing from an empty queue", async () => {
      expect(await claim(runnerId("runner"), 5, Date.now())).toEqual([]);
    });

    it("claims in FIFO order of registration, within and across batches", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const first = makeRecords(3);
      const second = makeRecord();
      const third = makeRecord();
      await register(h.backend, first, client, t0);
      await register(h.backend, [second], client, t0);
      await register(h.backend, [third], client, t0 + 1);
      const claimed = await claim(runnerId("runner"), 10, t0 + 2);
      expect(ids(claimed)).toEqual(ids([...first, second, third]));
    });

    it("returns at most `max` invocations and continues in queue order", async () => {
      const t0 = Date.now();
      const records = makeRecords(5);
      await register(h.backend, records, runnerId("client"), t0);
      const runner = runnerId("runner");
      expect(ids(await claim(runner, 2, t0 + 1))).toEqual(ids(records.slice(0, 2)));
      expect(ids(await claim(runner, 2, t0 + 2))).toEqual(ids(records.slice(2, 4)));
      expect(ids(await claim(runner, 2, t0 + 3))).toEqual(ids(records.slice(4)));
      expect(await claim(runner, 2, t0 + 4)).toEqual([]);
    });

    it("moves a claimed invocation to PENDING owned by the runner under a lease of now + leaseMs", async () => {
      const t0 = Date.now();
      const client = runnerId("client");
      const runner = runnerId("runner");
      const record = makeRecord({ createdAt: t0 });
      await register(h.backend, [record], client, t0);
      const [claimed, ...rest] = await claim(runner, 3, t0 + 100, 5_000);
      expect(rest).toEqual([]);
      expect(claimed).toEqual({
        record,
        status: { status: S.PENDING, ownerId: runner, timestamp: t0 + 100 },
        numRetries: 0,
        leaseUntil: t0 + 100 + 5_000,
      });
      expect(await statusOf(h.backend, record.invocationId)).toEqual({
        status: S.PENDING,
        ownerId: runner,
        timestamp: t0 + 100,
      });
      const history = await expectHistory(h.backend, record.invocationId, [S.REGISTERED, S.PENDING]);
      expect(history[1]).toEqual({ status: S.PENDING, runnerId: runner, timestamp: t0 + 100 });
      expect(await h.backend.broker.size()).toBe(0);
    });

    it("with `start`, claims straight into RUNNING: history PENDING then RUNNING at one timestamp, no lease", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const record = makeRecord({ createdAt: t0 });
      await register(h.backend, [record], runnerId("client"), t0);
      const claimed = await h.backend.orchestrator.claim({
        runnerId: runner,
        max: 3,
        leaseMs: 1_000,
        now: t0 + 100,
        start: true,
      });
      expect(claimed).toEqual([
        {
          record,
          status: { status: S.RUNNING, ownerId: runner, timestamp: t0 + 100 },
          numRetries: 0,
          leaseUntil: null,
        },
      ]);
      const history = await expectHistory(h.backend, record.invocationId, [
        S.REGISTERED,
        S.PENDING,
        S.RUNNING,
      ]);
      expect(history.slice(1)).toEqual([
        { status: S.PENDING, runnerId: runner, timestamp: t0 + 100 },
        { status: S.RUNNING, runnerId: runner, timestamp: t0 + 100 },
      ]);
      // Long after the lease it would have had, nobody else can claim it.
      expect(await claim(runnerId("other"), 3, t0 + 60_000)).toEqual([]);
      expect(await statusOf(h.backend, record.invocationId)).toEqual({
        status: S.RUNNING,
        ownerId: runner,
        timestamp: t0 + 100,
      });
    });

    it("never hands out an invocation that is claimed under a live lease", async () => {
      const t0 = Date.now();
      const records = makeRecords(3);
      await register(h.backend, records, runnerId("client"), t0);
      const first = await claim(runnerId("runner-a"), 10, t0 + 1);
      expect(ids(first)).toEqual(ids(records));
      expect(await claim(runnerId("runner-b"), 10, t0 + 2)).toEqual([]);
      expect(await claim(runnerId("runner-c"), 10, t0 + CLAIM_LEASE_MS - 1)).toEqual([]);
    });

    it("gives 50 concurrent claimers disjoint invocations that together cover all 100", async () => {
      const t0 = Date.now();
      const records = makeRecords(100);
      await register(h.backend, records, runnerId("client"), t0);
      const claimers = Array.from({ length: 50 }, (_, i) => ({
        runner: `claimer-${i}`,
        max: 1 + ((i + 1) % 3),
      }));
      expect(claimers.reduce((total, c) => total + c.max, 0)).toBeGreaterThanOrEqual(100);
      const results = await Promise.all(claimers.map((c) => claim(c.runner, c.max, t0 + 1)));
      const owners = new Map<string, string>();
      for (const [i, result] of results.entries()) {
        const claimer = claimers[i];
        if (!claimer) throw new Error("fixture");
        expect(result.length).toBeLessThanOrEqual(claimer.max);
        for (const item of result) {
          expect(owners.has(item.record.invocationId), `${item.record.invocationId} claimed twice`).toBe(
            false,
          );
          owners.set(item.record.invocationId, claimer.runner);
          expect(item.status.ownerId).toBe(claimer.runner);
        }
      }
      expect(sorted([...owners.keys()])).toEqual(sorted(ids(records)));
      const statuses = await h.backend.orchestrator.getStatuses(ids(records));
      for (const [invocationId, owner] of owners) {
        expect(statuses.get(invocationId)).toMatchObject({ status: S.PENDING, ownerId: owner });
      }
      for (const record of records.slice(0, 10)) {
        await expectHistory(h.backend, record.invocationId, [S.REGISTERED, S.PENDING]);
      }
      expect(await h.backend.broker.size()).toBe(0);
    });
  });
}
