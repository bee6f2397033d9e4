import type { Redis } from "ioredis";

/** Every Redis key of app `appId` under the default key prefix (SCAN, never KEYS). */
export async function redisKeysOf(admin: Redis, appId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await admin.scan(cursor, "MATCH", `{tsnenc:${appId}}:*`, "COUNT", 10_000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}
