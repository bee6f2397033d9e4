import { Redis } from "ioredis";
import { describe, it } from "vitest";

export const REDIS_URL = process.env.TSNENC_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether Redis answers PING within a second (no retries). */
async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Calls `define` (which declares the file's tests) when Redis is reachable. Otherwise the tests
 * are skipped with a loud message, or fail when TSNENC_REQUIRE_SERVICES=1.
 */
export async function describeWithRedis(name: string, define: () => void): Promise<void> {
  if (await redisReachable()) {
    define();
    return;
  }
  if (process.env.TSNENC_REQUIRE_SERVICES === "1") {
    describe(name, () => {
      it(`reaches Redis at ${REDIS_URL} (TSNENC_REQUIRE_SERVICES=1)`, () => {
        throw new Error(`Redis is unreachable at ${REDIS_URL} and TSNENC_REQUIRE_SERVICES=1`);
      });
    });
    return;
  }
  console.warn(
    `\n${"!".repeat(78)}\n!!! SKIPPING ${name}: no Redis at ${REDIS_URL}.\n` +
      "!!! Start one (redis-server) or set TSNENC_REQUIRE_SERVICES=1 to make this a failure.\n" +
      `${"!".repeat(78)}\n`,
  );
  describe.skip(`${name} (Redis unreachable at ${REDIS_URL})`, () => {
    it("needs a Redis server", () => {});
  });
}
