import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, expect } from "vitest";
import { createRedisBackend } from "../../src/backends/redis/index.js";
import { describeBackendConformance } from "../../src/testing/index.js";
import { describeWithRedis, REDIS_URL } from "./redis-service.js";

await describeWithRedis("the Redis backend conformance suite", () => {
  const admin = new Redis(REDIS_URL);
  /** A fresh key prefix per test: its backends share it; nothing of it may survive the test. */
  let prefix = "";

  beforeEach(() => {
    prefix = `tsnenc_test_${randomUUID().slice(0, 8)}`;
  });

  afterEach(async () => {
    const left: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await admin.scan(cursor, "MATCH", `{${prefix}:*`, "COUNT", 10_000);
      left.push(...keys);
      cursor = next;
    } while (cursor !== "0");
    expect(left, "keys left after purge").toEqual([]);
  });

  afterAll(async () => {
    await admin.quit();
  });

  describeBackendConformance("redis", ({ appId }) => createRedisBackend({ appId, url: REDIS_URL, prefix }));
});
