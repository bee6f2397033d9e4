import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import { ConfigError } from "../../errors/errors.js";

type RedisConstructor = new (url: string, options: RedisOptions) => Redis;

let driver: RedisConstructor | undefined;

/**
 * ioredis, loaded on first use: it is an optional peer dependency, so importing tsnenc (and
 * its backend factory) never requires it. ioredis is CommonJS, so `require` loads it
 * synchronously and the backend factory stays synchronous.
 */
function loadDriver(): RedisConstructor {
  if (driver) return driver;
  try {
    const module = createRequire(import.meta.url)("ioredis") as { Redis: RedisConstructor };
    driver = module.Redis;
    return driver;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      "backend",
      `the redis backend needs the 'ioredis' package (npm install ioredis): ${reason}`,
    );
  }
}

/**
 * Opens a connection to `url`. A dropped connection reconnects and sends again the commands
 * that got no reply (the writing scripts recognise a call sent twice). Channels are subscribed
 * again by the notifier, not by ioredis.
 * The orchestrator batches its own writes (batcher.ts), so auto-pipelining is off.
 */
export function openRedis(url: string, role: "commands" | "subscriber", appId: string): Redis {
  const Driver = loadDriver();
  const client = new Driver(url, {
    // Off: on a dropped connection ioredis fails the unanswered rest of an auto-pipeline
    // instead of sending it again (the scripts recognise a call sent twice; see lib/common.lua).
    enableAutoPipelining: false,
    // Off: ioredis's own re-subscribe leaves its promise unhandled, so a connection that drops
    // again while it is under way rejects it as an unhandled rejection (which ends a Node
    // process). The notifier subscribes again itself on every reconnect (notifier.ts).
    autoResubscribe: false,
    connectionName: `tsnenc-${role}-${appId}`.replace(/[^\x21-\x7e]/g, "_"),
  });
  // Connection errors surface as rejected commands; ioredis reconnects by itself. Without a
  // listener it would also print every error to stderr.
  client.on("error", () => {});
  return client;
}

/** Closes a connection: QUIT when it is usable, else drops it. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === "end") return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
