// What every backend's notification side shares: one-shot work wake-ups and calling final
// listeners.
import type { FinalListener, FinalOutcome } from "../contract/orchestrator.js";

/** One-shot wake-ups: each registered one is called once, by the next `wakeAll`. */
export class WakeList {
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.waiters.size;
  }

  /** Registers `wake`; returns its removal. */
  add(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => {
      this.waiters.delete(wake);
    };
  }

  /** Calls every registered wake-up once and forgets them. */
  wakeAll(): void {
    if (this.waiters.size === 0) return;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

/** Calls each listener with a final notification; a listener's failure is its own (the change is committed). */
export function callFinalListeners(
  listeners: Iterable<FinalListener>,
  ids: readonly string[],
  outcomes?: ReadonlyMap<string, FinalOutcome>,
): void {
  for (const listener of [...listeners]) {
    try {
      listener(ids, outcomes);
    } catch {
      // Nothing to undo: the notification describes committed state.
    }
  }
}
