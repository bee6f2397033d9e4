import type { FinalOutcome, OrchestratorStore } from "../backends/contract/orchestrator.js";
import { InvocationNotFoundError } from "../errors/errors.js";
import { isFinalStatus } from "../status/status-table.js";
import type { InvocationStatus } from "../status/statuses.js";

/** Notified outcomes kept for waiters until read. */
const KEPT_OUTCOMES = 10_000;

/**
 * A wait on some invocations, listening from its creation: notifications that arrive before the
 * caller reads the statuses are not lost, so one status read (`settle`) is enough to start.
 */
export interface FinalWatch {
  /** Ids not known to be final yet. */
  readonly remaining: ReadonlySet<string>;
  /**
   * Takes statuses read after the watch started (absent id: unknown, which can never become
   * final: InvocationNotFoundError). Returns whether the wait is over.
   */
  settle(statuses: ReadonlyMap<string, InvocationStatus>): boolean;
  /** Resolves once the wait is over, or when `signal` aborts; re-reads statuses on the safety timer. */
  done(signal?: AbortSignal): Promise<void>;
  /** Stops listening (always call it). */
  close(): void;
}

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
  /** Per id, the open watches that will read its result here (and so want its outcome kept). */
  private readonly readers = new Map<string, number>();

  constructor(
    private readonly orchestrator: OrchestratorStore,
    private readonly safetyPollMs: () => number,
  ) {}

  /**
   * Resolves once every id is final (`mode` "all") or at least one is ("any"), or when
   * `signal` aborts. Rejects with InvocationNotFoundError for an unknown id.
   */
  async waitForFinal(
    ids: readonly string[],
    signal?: AbortSignal,
    mode: "all" | "any" = "all",
  ): Promise<void> {
    const watch = this.watch(ids, mode);
    try {
      if (watch.remaining.size === 0) return;
      if (watch.settle(await this.statusesOf(watch.remaining))) return;
      await watch.done(signal);
    } finally {
      watch.close();
    }
  }

  /**
   * Starts listening for `ids` (see FinalWatch). `keepOutcomes: false` is for a watch on behalf
   * of another process, which reads the results itself: outcomes that notifications carry are
   * not kept for it.
   */
  watch(ids: readonly string[], mode: "all" | "any" = "all", keepOutcomes = true): FinalWatch {
    const remaining = new Set(ids);
    const target = mode === "all" ? 0 : Math.max(0, remaining.size - 1);
    let wake: () => void = () => {};
    const onFinal = (id: string) => {
      if (remaining.delete(id) && remaining.size <= target) wake();
    };
    if (remaining.size > 0) {
      this.subscribe();
      for (const id of remaining) {
        this.addWaiter(id, onFinal);
        if (keepOutcomes) this.readers.set(id, (this.readers.get(id) ?? 0) + 1);
      }
    }
    const settle = (statuses: ReadonlyMap<string, InvocationStatus>): boolean => {
      for (const id of remaining) {
        const status = statuses.get(id);
        if (status === undefined) throw new InvocationNotFoundError(id);
        if (isFinalStatus(status)) remaining.delete(id);
      }
      return remaining.size <= target;
    };
    const done = async (signal?: AbortSignal): Promise<void> => {
      while (remaining.size > target && !signal?.aborted) {
        const notified = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const woken = await waitFor(notified, this.safetyPollMs(), signal);
        if (!woken && remaining.size > target && !signal?.aborted) settle(await this.statusesOf(remaining));
      }
    };
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      for (const id of new Set(ids)) {
        this.removeWaiter(id, onFinal);
        if (!keepOutcomes) continue;
        const left = (this.readers.get(id) ?? 1) - 1;
        if (left > 0) this.readers.set(id, left);
        else this.readers.delete(id);
      }
    };
    return { remaining, settle, done, close };
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.waiters.clear();
    this.outcomes.clear();
    this.readers.clear();
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

  private async statusesOf(ids: ReadonlySet<string>): Promise<Map<string, InvocationStatus>> {
    const records = await this.orchestrator.getStatuses([...ids]);
    return new Map([...records].map(([id, record]) => [id, record.status]));
  }

  private subscribe(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.orchestrator.onFinal((ids, outcomes) => {
      for (const id of ids) {
        const set = this.waiters.get(id);
        if (!set) continue;
        const outcome = outcomes?.get(id);
        if (outcome && this.readers.has(id)) this.keepOutcome(id, outcome);
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
