import type { InvocationRecord } from "../contract/records.js";
import type { MemoryStore } from "./store.js";

/** The memory backend's bookkeeping of registration keys, running slots and parked invocations. */
export class MemoryConcurrency {
  constructor(private readonly store: MemoryStore) {}

  /** A non-final invocation registered under `key` whose status is still waiting to run. */
  findWaiting(key: string, isWaiting: (id: string) => boolean): string | undefined {
    for (const id of this.store.registrationIndex.get(key) ?? []) if (isWaiting(id)) return id;
    return undefined;
  }

  indexRegistration(record: InvocationRecord): void {
    if (record.registrationKey)
      addTo(this.store.registrationIndex, record.registrationKey, record.invocationId);
  }

  /** Takes a slot of the record's running key; false when none is free. */
  tryTakeSlot(record: InvocationRecord): boolean {
    const key = record.runningKey;
    if (!key) return true;
    const holders = this.store.slotHolders.get(key);
    if (holders?.has(record.invocationId)) return true;
    if ((holders?.size ?? 0) >= (record.runningLimit ?? 1)) return false;
    addTo(this.store.slotHolders, key, record.invocationId);
    return true;
  }

  park(record: InvocationRecord): void {
    const key = record.runningKey;
    if (!key || this.store.parkedIds.has(record.invocationId)) return;
    const list = this.store.parked.get(key);
    if (list) list.push(record.invocationId);
    else this.store.parked.set(key, [record.invocationId]);
    this.store.parkedIds.add(record.invocationId);
  }

  isParked(id: string): boolean {
    return this.store.parkedIds.has(id);
  }

  /**
   * Frees the invocation's slot, if it holds one; returns the oldest parked invocation that is
   * still waiting to run, to queue again (parked ids that are no longer waiting are dropped, as
   * the SQLite and Redis backends do).
   */
  releaseSlot(id: string, isWaiting: (id: string) => boolean): string | undefined {
    const key = this.store.records.get(id)?.runningKey;
    if (!key) return undefined;
    const holders = this.store.slotHolders.get(key);
    if (!holders?.delete(id)) return undefined;
    if (holders.size === 0) this.store.slotHolders.delete(key);
    const list = this.store.parked.get(key);
    let next: string | undefined;
    while (list && list.length > 0 && next === undefined) {
      const candidate = list.shift() as string;
      this.store.parkedIds.delete(candidate);
      if (isWaiting(candidate)) next = candidate;
    }
    if (list && list.length === 0) this.store.parked.delete(key);
    return next;
  }

  /** Forgets a final invocation's registration entry. */
  forgetFinal(id: string): void {
    const key = this.store.records.get(id)?.registrationKey;
    if (!key) return;
    const ids = this.store.registrationIndex.get(key);
    ids?.delete(id);
    if (ids?.size === 0) this.store.registrationIndex.delete(key);
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
