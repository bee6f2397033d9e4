import type { HistoryEntry } from "../../status/statuses.js";
import type { InvocationRecord, StoredOutcome } from "./records.js";

/**
 * The stored data of invocations: their records, histories, results and errors, and the
 * contexts of runners. Records, history entries and outcomes are written by the
 * orchestrator's atomic primitives (registration and transitions), so this contract only
 * reads, apart from runner contexts.
 */
export interface StateBackend {
  getInvocation(invocationId: string): Promise<InvocationRecord | null>;
  /** History in the order it was written. Empty for an unknown id. */
  getHistory(invocationId: string): Promise<HistoryEntry[]>;
  /** The stored result or error; both null when there is none (yet). */
  getOutcome(invocationId: string): Promise<StoredOutcome>;
  /** Invocations created while `parentInvocationId` was executing. */
  getChildInvocationIds(parentInvocationId: string): Promise<string[]>;
  storeRunnerContext(runnerId: string, context: string): Promise<void>;
  getRunnerContext(runnerId: string): Promise<string | null>;
  purge(): Promise<void>;
}
