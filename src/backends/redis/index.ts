import type { Backend } from "../contract/index.js";
import { RedisBroker } from "./broker.js";
import { RedisClientDataStore } from "./client-data-store.js";
import { closeRedis, openRedis } from "./connection.js";
import { RedisKeys } from "./keys.js";
import { RedisNotifier } from "./notifier.js";
import { RedisOrchestrator } from "./orchestrator.js";
import { deleteAppKeys } from "./purge.js";
import { QueueMemo } from "./queue-memo.js";
import { RedisScripts } from "./scripts.js";
import { RedisStateBackend } from "./state-backend.js";

export interface RedisBackendOptions {
  appId: string;
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`). */
  url: string;
  /** First part of every key's hash tag, `{<prefix>:<appId>}` (default `tsnenc`). */
  prefix?: string;
}

/**
 * The Redis backend (ioredis, an optional peer dependency loaded on first use). One command
 * connection (scripts defined on it) and, once something waits for work or
 * final statuses, one subscriber connection. All keys of the app share the hash tag
 * `{<prefix>:<appId>}`, so one app is Redis Cluster safe and several apps share a database.
 */
export function createRedisBackend(options: RedisBackendOptions): Backend {
  const keys = new RedisKeys(options.prefix ?? "tsnenc", options.appId);
  const client = openRedis(options.url, "commands", options.appId);
  const scripts = new RedisScripts(client);
  const notifier = new RedisNotifier(keys, () => openRedis(options.url, "subscriber", options.appId));
  const queueMemo = new QueueMemo(() => notifier.workMark());
  let closing: Promise<void> | null = null;
  return {
    kind: "redis",
    capabilities: { sharedAcrossProcesses: true, pushesWakeups: true },
    orchestrator: new RedisOrchestrator(client, scripts, keys, notifier, queueMemo),
    broker: new RedisBroker(client, scripts, keys, notifier, queueMemo),
    stateBackend: new RedisStateBackend(client, keys),
    clientDataStore: new RedisClientDataStore(client, keys),
    purge: () => deleteAppKeys(client, keys),
    close() {
      closing ??= Promise.all([notifier.close(), closeRedis(client)]).then(() => {});
      return closing;
    },
  };
}
