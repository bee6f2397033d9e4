import type { FinalOutcome, OrchestratorStore } from "../backends/contract/orchestrator.js";

/** Notified outcomes kept for waiters until read. */
const KEPT_OUTCOMES = 10_000;

import { InvocationNotFoundError } from "../errors/errors.js";
import { isFinalStatus } from "../status/status-table.js";

/**
 * Waits for invocations to become final. One subscription to the orchestrator's final
 * notifications serves every waiter of the app in this process; a slow re-check of statuses
 * covers notifications a backend could not deliver.
 */
export class FinalityWatcher {
  private readonly waiters = new Map<string, Set<(id: string) => void>>();
  private unsubscribe: (() => void) | null = null;
  /** Outcomes that notifications carried for awaited ids, until read (oldest dropped first). */
  private readonly outcomes = new Map<string, FinalOutcome>();

  constructor(
    private readonly orchestrator: OrchestratorStore,
    private readonly safetyPollMs: () => number,
  ) {}

  /**
   * Resolves once every id is final (`mode` "all") or at least one is ("any"), or when
   * `signal` aborts. Rejects with InvocationNotFoundError for an unknown id. Statuses are read once up front and then
   * only when the safety timer fires; notifications remove ids without a read.
   */
  async waitForFinal(
    ids: readonly string[],
    signal?: AbortSignal,
    mode: "all" | "any" = "all",
  ): Promise<void> {
    const remaining = new Set(ids);
    if (remaining.size === 0) return;
    const target = mode === "all" ? 0 : remaining.size - 1;
    this.subscribe();
    let wake: () => void = () => {};
    const onFinal = (id: string) => {
      if (remaining.delete(id) && remaining.size <= target) wake();
    };
    for (const id of remaining) this.addWaiter(id, onFinal);
    try {
      let notified = new Promise<void>((resolve) => {
        wake = resolve;
      });
      await this.dropFinal(remaining);
      while (remaining.size > target && !signal?.aborted) {
        const woken = await waitFor(notified, this.safetyPollMs(), signal);
        if (remaining.size <= target) break;
        notified = new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (!woken) await this.dropFinal(remaining);
      }
    } finally {
      for (const id of ids) this.removeWaiter(id, onFinal);
    }
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.waiters.clear();
    this.outcomes.clear();
  }

  /**
   * The final status and outcome a notification carried for `id` (an id someone waited on),
   * forgotten once taken; undefined when none came (read the backend then).
   */
  takeOutcome(id: string): FinalOutcome | undefined {
    const outcome = this.outcomes.get(id);
    if (outcome) this.outcomes.delete(id);
    return outcome;
  }

  /**
   * Removes from `ids` (in place) those whose status is final now. An id the backend does not
   * know (never registered, or deleted by retention) can never become final: it is an error.
   */
  private async dropFinal(ids: Set<string>): Promise<void> {
    const statuses = await this.orchestrator.getStatuses([...ids]);
    for (const id of ids) {
      const record = statuses.get(id);
      if (!record) throw new InvocationNotFoundError(id);
      if (isFinalStatus(record.status)) ids.delete(id);
    }
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.orchestrator.onFinal((ids, outcomes) => {
      for (const id of ids) {
        const set = this.waiters.get(id);
        if (!set) continue;
        const outcome = outcomes?.get(id);
        if (outcome) this.keepOutcome(id, outcome);
        for (const onFinal of [...set]) onFinal(id);
      }
    });
  }

  private keepOutcome(id: string, outcome: FinalOutcome): void {
    this.outcomes.set(id, outcome);
    if (this.outcomes.size > KEPT_OUTCOMES) {
      const oldest = this.outcomes.keys().next();
      if (!oldest.done) this.outcomes.delete(oldest.value);
    }
  }

  private addWaiter(id: string, wake: (id: string) => void): void {
    const set = this.waiters.get(id);
    if (set) set.add(wake);
    else this.waiters.set(id, new Set([wake]));
  }

  private removeWaiter(id: string, wake: (id: string) => void): void {
    const set = this.waiters.get(id);
    set?.delete(wake);
    if (set?.size === 0) this.waiters.delete(id);
  }
}

/** True when `promise` settled first; false on timeout or abort. */
function waitFor(promise: Promise<void>, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onAbort = () => finish(false);
    function finish(woken: boolean) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(woken);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    promise.then(
      () => finish(true),
      () => finish(true),
    );
  });
}
