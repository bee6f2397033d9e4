/**
 * The Redis broker's idle wait after a claim: when this process's latest claim left the queue
 * empty and no work was announced since, `waitForWork` does not read the queue again (QueueMemo),
 * yet it never misses work: new registrations, delayed entries falling due and a subscriber
 * that reconnected (messages possibly lost) all end the wait.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, expect, it, vi } from "vitest";
import type { Backend } from "../../src/backends/contract/index.js";
import { createRedisBackend } from "../../src/backends/redis/index.js";
import { RedisKeys } from "../../src/backends/redis/keys.js";
import { RedisScripts } from "../../src/backends/redis/scripts.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { makeRecord, runnerId, within } from "../../src/testing/conformance/fixtures.js";
import { eventually } from "../helpers/waiting.js";
import { describeWithRedis, REDIS_URL } from "./redis-service.js";

const LONG_WAIT_MS = 60_000;

await describeWithRedis("Redis: the idle wait after a claim", () => {
  const admin = new Redis(REDIS_URL);
  const opened: Backend[] = [];
  const prefix = `tsnenc_idle_${randomUUID().slice(0, 8)}`;

  /** Two backends on one app: a runner's and a client's (separate connections, as two processes). */
  function openPair(): { runner: Backend; client: Backend; appId: string } {
    const appId = `app_${randomUUID().slice(0, 8)}`;
    const runner = createRedisBackend({ appId, url: REDIS_URL, prefix });
    const client = createRedisBackend({ appId, url: REDIS_URL, prefix });
    opened.push(runner, client);
    return { runner, client, appId };
  }

  /**
   * The runner side subscribes, then claims everything due; returns how many it claimed besides
   * a marker invocation. The marker is registered (by the client side) before the runner
   * subscribes, so its work message never reaches the runner, and its presence ends the
   * runner's first wait only once the subscription is confirmed (the wait reads the queue
   * after subscribing).
   */
  async function claimAll(runner: Backend, client: Backend, id: string): Promise<number> {
    await client.orchestrator.register({ invocations: [makeRecord()], runnerId: "client", now: Date.now() });
    await within(runner.broker.waitForWork(LONG_WAIT_MS), 10_000, "the first wait (subscribing)");
    const claimed = await runner.orchestrator.claim({
      runnerId: id,
      max: 100,
      leaseMs: 30_000,
      now: Date.now(),
    });
    return claimed.length - 1;
  }

  async function claimIds(runner: Backend, id: string): Promise<string[]> {
    const claimed = await runner.orchestrator.claim({
      runnerId: id,
      max: 5,
      leaseMs: 30_000,
      now: Date.now(),
    });
    return claimed.map((c) => c.record.invocationId);
  }

  function queueReads(): { count: () => number } {
    const spy = vi.spyOn(RedisScripts.prototype, "run");
    return { count: () => spy.mock.calls.filter(([name]) => name === "queueState").length };
  }

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const backend of opened.splice(0)) {
      await backend.purge();
      await backend.close();
    }
  });

  afterAll(async () => {
    await admin.quit();
  });

  it("does not read the queue again, and wakes when another process registers work", async () => {
    const { runner, client } = openPair();
    const id = runnerId("r");
    expect(await claimAll(runner, client, id)).toBe(0);
    const reads = queueReads();
    let woken = false;
    const wait = runner.broker.waitForWork(LONG_WAIT_MS).then(() => {
      woken = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(woken).toBe(false);
    expect(reads.count()).toBe(0);
    const record = makeRecord();
    await client.orchestrator.register({ invocations: [record], runnerId: "client", now: Date.now() });
    await within(wait, 10_000, "the wait to end on the registration");
    expect(await claimIds(runner, id)).toEqual([record.invocationId]);
  });

  it("ends the wait when a delayed entry falls due, without a queue read", async () => {
    const { runner, client } = openPair();
    // The client side queues a delayed entry before the runner side subscribes (so no work
    // message is still on its way when the runner claims).
    const record = makeRecord();
    await client.orchestrator.register({ invocations: [record], runnerId: "client", now: Date.now() });
    const other = runnerId("other");
    await client.orchestrator.claim({ runnerId: other, max: 1, leaseMs: 30_000, now: Date.now() });
    const reroutedAt = Date.now();
    await client.orchestrator.transition({
      invocationId: record.invocationId,
      to: InvocationStatus.REROUTED,
      runnerId: other,
      requeue: { delayMs: 500 },
      now: reroutedAt,
    });
    const id = runnerId("r");
    expect(await claimAll(runner, client, id)).toBe(0); // not due yet: the claim reports when it will be
    const reads = queueReads();
    await within(runner.broker.waitForWork(LONG_WAIT_MS), 10_000, "the wait to end when the entry is due");
    expect(Date.now()).toBeGreaterThanOrEqual(reroutedAt + 500);
    expect(reads.count()).toBe(0);
    const again = await runner.orchestrator.claim({ runnerId: id, max: 1, leaseMs: 30_000, now: Date.now() });
    expect(again.map((c) => c.record.invocationId)).toEqual([record.invocationId]);
  });

  it("after the subscriber's connection is killed, work registered meanwhile is still found", async () => {
    const { runner, client, appId } = openPair();
    const id = runnerId("r");
    expect(await claimAll(runner, client, id)).toBe(0);
    const channel = new RedisKeys(prefix, appId).workChannel;
    const subscribers = async () => Number(((await admin.pubsub("NUMSUB", channel)) as unknown[])[1]);
    // Kill the runner side's subscriber (the client side has none: it never waited). A message
    // published while it is away is lost.
    let killed = 0;
    for (const line of String(await admin.client("LIST")).split("\n")) {
      const clientId = /\bid=(\d+)/.exec(line)?.[1];
      if (clientId && line.includes(`name=tsnenc-subscriber-${appId}`)) {
        killed += Number(await admin.client("KILL", "ID", clientId));
        break;
      }
    }
    expect(killed).toBe(1);
    const record = makeRecord();
    await client.orchestrator.register({ invocations: [record], runnerId: "client", now: Date.now() });
    // Once the subscriber is back, the wait must still find the work: what the claim saw before
    // the reconnect no longer counts (the reconnect's own wake-ups are over by then).
    await eventually(async () => (await subscribers()) === 1, "the subscriber to come back");
    await within(runner.broker.waitForWork(LONG_WAIT_MS), 10_000, "the wait to see the work");
    expect(await claimIds(runner, id)).toEqual([record.invocationId]);
  });

  it("work a claim left queued makes the wait end at once", async () => {
    const { runner, client } = openPair();
    const id = runnerId("r");
    // The marker and two more, all registered before the runner side subscribes.
    const records = [makeRecord(), makeRecord()];
    await client.orchestrator.register({ invocations: [makeRecord()], runnerId: "client", now: Date.now() });
    await client.orchestrator.register({ invocations: records, runnerId: "client", now: Date.now() });
    await within(runner.broker.waitForWork(LONG_WAIT_MS), 10_000, "the first wait (subscribing)");
    // Takes the marker and one of the two: one is left, and the claim says so.
    expect(
      await runner.orchestrator.claim({ runnerId: id, max: 2, leaseMs: 30_000, now: Date.now() }),
    ).toHaveLength(2);
    const reads = queueReads();
    await within(runner.broker.waitForWork(LONG_WAIT_MS), 5_000, "the wait to end at once");
    expect(reads.count()).toBe(1);
  });
});
