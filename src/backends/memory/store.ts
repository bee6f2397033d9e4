import type { FinalListener } from "../contract/orchestrator.js";
import type {
  HistoryEntry,
  InvocationRecord,
  RunnerHeartbeat,
  StatusRecord,
  StoredOutcome,
} from "../contract/records.js";
import { callFinalListeners, WakeList } from "../shared/notifications.js";
import { MemoryQueue } from "./queue.js";

/** Everything one app keeps in the memory backend. Mutated only by the memory primitives. */
export class MemoryStore {
  readonly records = new Map<string, InvocationRecord>();
  /** Registration order of each stored invocation (claim ties go to the most recent). */
  readonly registrationSeq = new Map<string, number>();
  private lastSeq = 0;
  readonly statuses = new Map<string, StatusRecord>();
  readonly histories = new Map<string, HistoryEntry[]>();
  readonly retries = new Map<string, number>();
  readonly outcomes = new Map<string, StoredOutcome>();
  /** Earliest claim time of invocations requeued with a delay (RETRY with backoff). */
  readonly notBefore = new Map<string, number>();
  /** Lease expiry of PENDING claims. */
  readonly leases = new Map<string, number>();
  readonly children = new Map<string, string[]>();
  /** registration key -> non-final invocations registered with it */
  readonly registrationIndex = new Map<string, Set<string>>();
  /** running key -> invocations holding one of its slots */
  readonly slotHolders = new Map<string, Set<string>>();
  /** running key -> invocations parked (REROUTED, out of the queue) until a slot frees, oldest first */
  readonly parked = new Map<string, string[]>();
  readonly parkedIds = new Set<string>();
  /** waited id -> ids waiting for it */
  readonly waitedBy = new Map<string, Set<string>>();
  /** waiter id -> ids it waits for */
  readonly waitingOn = new Map<string, Set<string>>();
  readonly heartbeats = new Map<string, RunnerHeartbeat>();
  /** When each final invocation became final (retention). */
  readonly finalAt = new Map<string, number>();
  readonly serviceLeases = new Map<string, { runnerId: string; until: number }>();
  readonly runnerContexts = new Map<string, string>();
  readonly clientData = new Map<string, string>();
  readonly queue = new MemoryQueue();
  readonly finalListeners = new Set<FinalListener>();
  private readonly workWaiters = new WakeList();

  nextSeq(): number {
    return ++this.lastSeq;
  }

  /** Wakes every `waitForWork` caller. */
  notifyWork(): void {
    this.workWaiters.wakeAll();
  }

  addWorkWaiter(wake: () => void): () => void {
    return this.workWaiters.add(wake);
  }

  /** Calls final listeners once the current synchronous primitive has returned. */
  notifyFinal(ids: string[]): void {
    if (ids.length === 0 || this.finalListeners.size === 0) return;
    const listeners = [...this.finalListeners];
    queueMicrotask(() => callFinalListeners(listeners, ids));
  }

  /** Removes the wait edges of an invocation that became final, both directions. */
  dropWaitEdges(id: string): void {
    const waiters = this.waitedBy.get(id);
    if (waiters) {
      for (const waiter of waiters) {
        const set = this.waitingOn.get(waiter);
        set?.delete(id);
        if (set?.size === 0) this.waitingOn.delete(waiter);
      }
      this.waitedBy.delete(id);
    }
    const waited = this.waitingOn.get(id);
    if (waited) {
      for (const target of waited) {
        const set = this.waitedBy.get(target);
        set?.delete(id);
        if (set?.size === 0) this.waitedBy.delete(target);
      }
      this.waitingOn.delete(id);
    }
  }

  /** Deletes everything stored of one invocation. */
  deleteInvocation(id: string): void {
    const parent = this.records.get(id)?.parentInvocationId;
    if (parent) {
      const siblings = this.children.get(parent)?.filter((child) => child !== id);
      if (siblings?.length) this.children.set(parent, siblings);
      else this.children.delete(parent);
    }
    for (const map of [
      this.records,
      this.registrationSeq,
      this.statuses,
      this.histories,
      this.retries,
      this.outcomes,
      this.leases,
    ]) {
      map.delete(id);
    }
    this.notBefore.delete(id);
    this.finalAt.delete(id);
    this.dropWaitEdges(id);
  }

  clear(): void {
    for (const map of [
      this.records,
      this.registrationSeq,
      this.statuses,
      this.histories,
      this.retries,
      this.outcomes,
      this.leases,
      this.notBefore,
      this.children,
      this.registrationIndex,
      this.slotHolders,
      this.parked,
      this.parkedIds,
      this.waitedBy,
      this.waitingOn,
      this.heartbeats,
      this.finalAt,
      this.serviceLeases,
      this.runnerContexts,
      this.clientData,
    ]) {
      map.clear();
    }
    this.queue.clear();
  }
}

const stores = new Map<string, { store: MemoryStore; users: number }>();

/**
 * The process-wide store of an app id: every memory backend of that app in this process
 * shares it, until the last one is closed. Returns the store and the function that releases it.
 */
export function acquireMemoryStore(appId: string): { store: MemoryStore; release: () => void } {
  let entry = stores.get(appId);
  if (!entry) {
    entry = { store: new MemoryStore(), users: 0 };
    stores.set(appId, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    store: held.store,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0 && stores.get(appId) === held) stores.delete(appId);
    },
  };
}
