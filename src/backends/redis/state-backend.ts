import type { Redis } from "ioredis";
import type { HistoryEntry, InvocationRecord, StoredOutcome } from "../contract/records.js";
import type { StateBackend } from "../contract/state-backend.js";
import type { RedisKeys } from "./keys.js";
import { deleteAppKeys } from "./purge.js";
import { historyEntry } from "./replies.js";

/** Reads what the orchestrator's scripts stored per invocation; runner contexts in one hash. */
export class RedisStateBackend implements StateBackend {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async getInvocation(invocationId: string): Promise<InvocationRecord | null> {
    const json = await this.client.hget(this.keys.invocation(invocationId), "rec");
    return json === null ? null : (JSON.parse(json) as InvocationRecord);
  }

  async getHistory(invocationId: string): Promise<HistoryEntry[]> {
    const entries = await this.client.lrange(this.keys.history(invocationId), 0, -1);
    return entries.map(historyEntry);
  }

  async getOutcome(invocationId: string): Promise<StoredOutcome> {
    const [result, error] = await this.client.hmget(this.keys.invocation(invocationId), "res", "err");
    return { result: outcomeValue(result), error: outcomeValue(error) };
  }

  async getChildInvocationIds(parentInvocationId: string): Promise<string[]> {
    return this.client.lrange(this.keys.children(parentInvocationId), 0, -1);
  }

  async storeRunnerContext(runnerId: string, context: string): Promise<void> {
    await this.client.hset(this.keys.runnerContexts, runnerId, context);
  }

  async getRunnerContext(runnerId: string): Promise<string | null> {
    return this.client.hget(this.keys.runnerContexts, runnerId);
  }

  /** Deletes everything the app stored, like the memory backend's state purge. */
  async purge(): Promise<void> {
    await deleteAppKeys(this.client, this.keys);
  }
}

/** Outcome fields are stored as `=` + value, or `` for none (written with the status). */
function outcomeValue(stored: string | null | undefined): string | null {
  return stored ? stored.slice(1) : null;
}
