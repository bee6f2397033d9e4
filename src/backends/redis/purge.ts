import type { Redis } from "ioredis";
import type { RedisKeys } from "./keys.js";

/**
 * Deletes every key of the app: SCAN over the app's tagged pattern (purge is the only place
 * that scans), UNLINK in batches. Keys of other apps and prefixes are never matched.
 */
export async function deleteAppKeys(client: Redis, keys: RedisKeys): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await client.scan(cursor, "MATCH", keys.scanPattern, "COUNT", 1000);
    if (found.length > 0) await client.unlink(...found);
    cursor = next;
  } while (cursor !== "0");
}
