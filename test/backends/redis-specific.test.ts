import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Backend } from "../../src/backends/contract/index.js";
import { createRedisBackend } from "../../src/backends/redis/index.js";
import { RedisKeys } from "../../src/backends/redis/keys.js";
import { RedisScripts } from "../../src/backends/redis/scripts.js";
import { ALL_STATUSES, InvocationStatus, type StatusRecord } from "../../src/status/statuses.js";
import { computeTransition } from "../../src/status/transition.js";
import {
  makeRecord,
  makeRecords,
  runnerId,
  startInvocation,
  within,
} from "../../src/testing/conformance/fixtures.js";
import { describeWithRedis, REDIS_URL } from "./redis-service.js";

const S = InvocationStatus;

await describeWithRedis("Redis backend specifics", () => {
  const admin = new Redis(REDIS_URL);
  const opened: Backend[] = [];
  const prefix = `tsnenc_spec_${randomUUID().slice(0, 8)}`;

  function open(appId = `app_${randomUUID().slice(0, 8)}`): { backend: Backend; keys: RedisKeys } {
    const backend = createRedisBackend({ appId, url: REDIS_URL, prefix });
    opened.push(backend);
    return { backend, keys: new RedisKeys(prefix, appId) };
  }

  afterEach(async () => {
    for (const backend of opened.splice(0)) {
      await backend.purge();
      await backend.close();
    }
  });

  afterAll(async () => {
    await admin.quit();
  });

  describe("status rules", () => {
    it("the transition script decides every (from, to, runner) exactly as computeTransition", async () => {
      const { backend, keys } = open();
      const owner = "owner";
      const mismatches: string[] = [];
      for (const from of ALL_STATUSES) {
        for (const to of ALL_STATUSES) {
          for (const runner of [owner, "other", null]) {
            const record = makeRecord();
            const id = record.invocationId;
            await backend.orchestrator.register({ invocations: [record], runnerId: "client", now: 1 });
            // Force the stored status (test only): the script reads these fields.
            await admin.hset(keys.invocation(id), "st", from, "ow", owner, "ts", "2");
            const current: StatusRecord = { status: from, ownerId: owner, timestamp: 2 };
            let expected: string;
            try {
              const next = computeTransition(id, current, to, runner, 3);
              expected = `ok ${next.status}/${next.ownerId}`;
            } catch (error) {
              expected = `${(error as { code: string }).code}: ${(error as Error).message}`;
            }
            let actual: string;
            try {
              const out = await backend.orchestrator.transition({
                invocationId: id,
                to,
                runnerId: runner,
                now: 3,
              });
              actual = `ok ${out.current.status}/${out.current.ownerId}`;
            } catch (error) {
              actual = `${(error as { code: string }).code}: ${(error as Error).message}`;
            }
            if (actual !== expected)
              mismatches.push(`${from} -> ${to} by ${runner}: ${actual} != ${expected}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  describe("keys", () => {
    it("puts every key of the app under its hash tag {prefix:appId}", async () => {
      const appId = `tag_${randomUUID().slice(0, 8)}`;
      const { backend } = open(appId);
      const runner = runnerId("r");
      const waiter = await startInvocation(backend, runner, 1);
      const records = makeRecords(3, { runningKey: "rk", registrationKey: null });
      await backend.orchestrator.register({ invocations: records, runnerId: runner, now: 2 });
      await backend.orchestrator.recordWaits(waiter.invocationId, [records[2]?.invocationId ?? ""]);
      await backend.orchestrator.claim({ runnerId: runner, max: 3, leaseMs: 1000, now: 3 });
      await backend.orchestrator.heartbeat([{ runnerId: runner, context: "{}" }], 4);
      await backend.orchestrator.acquireServiceLease({
        service: "recovery",
        runnerId: runner,
        ttlMs: 10,
        now: 4,
      });
      await backend.stateBackend.storeRunnerContext(runner, "{}");
      await backend.clientDataStore.put("k", "v");
      const found: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await admin.scan(cursor, "MATCH", `*${appId}*`, "COUNT", 10_000);
        found.push(...batch);
        cursor = next;
      } while (cursor !== "0");
      expect(found.length).toBeGreaterThan(10);
      for (const key of found) expect(key.startsWith(`{${prefix}:${appId}}:`), key).toBe(true);
    });
  });

  describe("listInvocations with task and status filters on large indexes", () => {
    it("walks the smaller index and returns the same rows as a full filter", async () => {
      const { backend } = open();
      const runner = runnerId("r");
      const big = makeRecords(300, { taskId: "big" });
      const small = makeRecords(5, { taskId: "small" });
      await backend.orchestrator.register({ invocations: [...big, ...small], runnerId: runner, now: 10 });
      const claimed = await backend.orchestrator.claim({
        runnerId: runner,
        max: 250,
        leaseMs: 60_000,
        now: 20,
      });
      for (const [i, item] of claimed.entries()) {
        if (i % 3 === 0) continue;
        await backend.orchestrator.transition({
          invocationId: item.record.invocationId,
          to: S.RUNNING,
          runnerId: runner,
          now: 30 + i,
        });
      }
      const all = await backend.orchestrator.listInvocations({ limit: 1000, offset: 0 });
      expect(all).toHaveLength(305);
      const cases: Array<[string, InvocationStatus[]]> = [
        ["big", [S.RUNNING]],
        ["big", [S.PENDING, S.REGISTERED]],
        ["small", [S.REGISTERED]],
        ["small", [S.RUNNING]],
      ];
      const pages: Array<[number, number]> = [
        [1000, 0],
        [7, 3],
      ];
      for (const [taskId, statuses] of cases) {
        const expected = all.filter((row) => row.taskId === taskId && statuses.includes(row.status));
        for (const [limit, offset] of pages) {
          const rows = await backend.orchestrator.listInvocations({ taskId, statuses, limit, offset });
          expect(rows, `${taskId} ${statuses.join(",")} ${limit}/${offset}`).toEqual(
            expected.slice(offset, offset + limit),
          );
        }
      }
    });
  });

  describe("pub/sub", () => {
    it("keeps final listeners and work waiters across a dropped subscriber connection", async () => {
      const appId = `sub_${randomUUID().slice(0, 8)}`;
      const { backend, keys } = open(appId);
      const runner = runnerId("r");
      const finals: string[] = [];
      backend.orchestrator.onFinal((ids) => finals.push(...ids));
      const first = await startInvocation(backend, runner, 1);
      const clients = String(await admin.client("LIST")).split("\n");
      const subscriber = clients.find((line) => line.includes(`name=tsnenc-subscriber-${appId}`));
      const id = /\bid=(\d+)/.exec(subscriber ?? "")?.[1];
      expect(id, "the backend's subscriber connection").toBeDefined();
      const woken = backend.broker.waitForWork(20_000);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the waiter is registered
      await admin.client("KILL", "ID", id ?? "");
      await within(woken, 10_000, "waitForWork woken by the reconnect");
      for (let i = 0; i < 200; i++) {
        const subscribed = (await admin.pubsub("NUMSUB", keys.finalChannel))[1];
        if (Number(subscribed) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await backend.orchestrator.transition({
        invocationId: first.invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        now: 2,
        result: "1",
      });
      for (let i = 0; i < 100 && !finals.includes(first.invocationId); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(finals).toContain(first.invocationId);
    });
  });

  describe("final notifications carry small outcomes", () => {
    it("with the stored status and outcome; a large one is left to be read", async () => {
      const { backend } = open();
      const runner = runnerId("r");
      const heard = new Map<string, unknown>();
      const ids: string[] = [];
      backend.orchestrator.onFinal((finals, outcomes) => {
        ids.push(...finals);
        for (const id of finals) heard.set(id, outcomes?.get(id));
      });
      const small = await startInvocation(backend, runner, 1);
      const failed = await startInvocation(backend, runner, 1);
      const large = await startInvocation(backend, runner, 1);
      const end = (id: string, fields: { result?: string; error?: string }, to: InvocationStatus) =>
        backend.orchestrator.transition({ invocationId: id, to, runnerId: runner, now: 2, ...fields });
      await end(small.invocationId, { result: '"ok"' }, S.SUCCESS);
      await end(failed.invocationId, { error: '{"name":"Error"}' }, S.FAILED);
      await end(large.invocationId, { result: JSON.stringify("x".repeat(5000)) }, S.SUCCESS);
      for (let i = 0; i < 200 && ids.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(heard.get(small.invocationId)).toEqual({ status: S.SUCCESS, result: '"ok"', error: null });
      expect(heard.get(failed.invocationId)).toEqual({
        status: S.FAILED,
        result: null,
        error: '{"name":"Error"}',
      });
      expect(ids).toContain(large.invocationId);
      expect(heard.get(large.invocationId)).toBeUndefined();
      for (const id of [small.invocationId, failed.invocationId]) {
        const stored = await backend.stateBackend.getOutcome(id);
        const { status: _status, ...notified } = heard.get(id) as {
          status: string;
          result: unknown;
          error: unknown;
        };
        expect(notified).toEqual(stored);
      }
    });
  });

  describe("a call sent twice (ioredis resends after a dropped connection)", () => {
    it("is applied once and both sends get the first reply: register, claim and transition", async () => {
      const { backend, keys } = open();
      const scripts = new RedisScripts(admin);
      const [record] = makeRecords(1);
      if (!record) throw new Error("fixture");
      const id = record.invocationId;
      const register = JSON.stringify({
        base: keys.base,
        rq: "register-1",
        runner: "client",
        now: 1,
        invs: [{ id, task: record.taskId, parent: null, rec: JSON.stringify(record), lim: 1, rr: true }],
      });
      const registered = await scripts.run("register", keys.statusScriptKeys, register);
      expect(await scripts.run("register", keys.statusScriptKeys, register)).toEqual(registered);
      expect(registered).toEqual(["ok", ""]);
      const ops = JSON.stringify({
        base: keys.base,
        rq: "ops-1",
        ops: [
          { c: { runner: "r", max: 5, lease: 1000, now: 2, start: true } },
          { t: { id, to: S.SUCCESS, runner: "r", now: 3, result: "1" } },
        ],
      });
      const first = await scripts.run("ops", keys.statusScriptKeys, ops);
      const again = (await scripts.run("ops", keys.statusScriptKeys, ops)) as unknown[][];
      // The claim reports the queue it left ({ ready, next due }); a replay reports it unknown.
      expect((first as unknown[][])[0]).toEqual(["0", "", JSON.stringify(record), "0"]);
      expect(again[0]).toEqual(["", "", JSON.stringify(record), "0"]);
      expect(again[1]).toEqual((first as unknown[][])[1]);
      expect((first as unknown[][])[1]?.[0]).toBe("ok");
      const history = await backend.stateBackend.getHistory(id);
      expect(history.map((h) => h.status)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
    });
  });

  describe("ops calls that fail in part or arrive late", () => {
    it("an op that raises becomes its own error reply; the others apply and notify", async () => {
      const { backend, keys } = open();
      const scripts = new RedisScripts(admin);
      const runner = runnerId("r");
      const good = await startInvocation(backend, runner, 1);
      const bad = await startInvocation(backend, runner, 1);
      const finals: string[] = [];
      backend.orchestrator.onFinal((ids) => finals.push(...ids));
      await backend.orchestrator.getStatuses([good.invocationId]); // the subscription is active
      const reply = (await scripts.run(
        "ops",
        keys.statusScriptKeys,
        JSON.stringify({
          base: keys.base,
          rq: "mixed-1",
          ops: [
            { t: { id: good.invocationId, to: S.SUCCESS, runner, now: 2, result: "1" } },
            { t: { id: bad.invocationId, to: S.RETRY, runner, now: 2, error: "{}", delay: "soon" } },
          ],
        }),
      )) as unknown[][];
      expect(reply[0]?.[0]).toBe("ok");
      expect(reply[1]?.[0]).toBe("error");
      expect(String(reply[1]?.[1])).toContain("delay is not a number");
      expect((await backend.orchestrator.getStatuses([bad.invocationId])).get(bad.invocationId)?.status).toBe(
        S.RUNNING,
      );
      for (let i = 0; i < 100 && !finals.includes(good.invocationId); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(finals).toContain(good.invocationId);
      expect(await admin.exists(`${keys.base}rq:mixed-1`)).toBe(1);
    });

    it("a call past its deadline is refused unapplied, unless it is the resend of one applied", async () => {
      const { backend, keys } = open();
      const scripts = new RedisScripts(admin);
      const runner = runnerId("r");
      const inv = await startInvocation(backend, runner, 1);
      const call = (rq: string, deadline: number) =>
        scripts.run(
          "ops",
          keys.statusScriptKeys,
          JSON.stringify({
            base: keys.base,
            rq,
            deadline,
            ops: [{ t: { id: inv.invocationId, to: S.SUCCESS, runner, now: 2, result: "1" } }],
          }),
        );
      expect(await call("late-1", Date.now() - 1000)).toEqual(["late"]);
      expect((await backend.orchestrator.getStatuses([inv.invocationId])).get(inv.invocationId)?.status).toBe(
        S.RUNNING,
      );
      const applied = await call("on-time-1", Date.now() + 30_000);
      expect(await call("on-time-1", Date.now() - 1000)).toEqual(applied);
      await expect(
        backend.orchestrator.transition({
          invocationId: inv.invocationId,
          to: S.RETRY,
          runnerId: runner,
          now: Number.NaN,
        }),
      ).rejects.toThrow("must be finite numbers");
    });
  });
});
