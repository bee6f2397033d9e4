import type { HistoryEntry, InvocationRecord, StoredOutcome } from "../contract/records.js";
import type { StateBackend } from "../contract/state-backend.js";
import type { MemoryStore } from "./store.js";

export class MemoryStateBackend implements StateBackend {
  constructor(private readonly store: MemoryStore) {}

  async getInvocation(invocationId: string): Promise<InvocationRecord | null> {
    return this.store.records.get(invocationId) ?? null;
  }

  async getHistory(invocationId: string): Promise<HistoryEntry[]> {
    return [...(this.store.histories.get(invocationId) ?? [])];
  }

  async getOutcome(invocationId: string): Promise<StoredOutcome> {
    return this.store.outcomes.get(invocationId) ?? { result: null, error: null };
  }

  async getChildInvocationIds(parentInvocationId: string): Promise<string[]> {
    return [...(this.store.children.get(parentInvocationId) ?? [])];
  }

  async storeRunnerContext(runnerId: string, context: string): Promise<void> {
    this.store.runnerContexts.set(runnerId, context);
  }

  async getRunnerContext(runnerId: string): Promise<string | null> {
    return this.store.runnerContexts.get(runnerId) ?? null;
  }

  async purge(): Promise<void> {
    this.store.clear();
  }
}
