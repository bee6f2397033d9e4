import type { FinalListener } from "../contract/orchestrator.js";
import { callFinalListeners, WakeList } from "../shared/notifications.js";
import type { Statements } from "./statements.js";

/**
 * How often other processes' commits are looked for, while someone listens or waits: every
 * ACTIVE_POLL_MS within ACTIVE_WINDOW_MS of a commit (seen from another process or made by this
 * one: answers are likely to follow), else every IDLE_POLL_MS. A poll that finds nothing costs
 * one `PRAGMA data_version`.
 */
export const ACTIVE_POLL_MS = 2;
export const IDLE_POLL_MS = 25;
const ACTIVE_WINDOW_MS = 2_000;
const FINALS_PAGE = 1_000;

/** What a committed primitive asks the hub to announce. */
export interface Effects {
  /** Invocations that became final, with their final sequence numbers. */
  finals: Array<{ id: string; seq: number }>;
  /** An entry was pushed on the queue. */
  work: boolean;
}

export function noEffects(): Effects {
  return { finals: [], work: false };
}

/**
 * The notifications of one app on one connection (shared by every backend of that app in the
 * process). Changes committed by this process are announced directly after their commit;
 * changes of other processes are found by polling, only while a final listener or a work
 * waiter exists: `PRAGMA data_version` (which moves only on other connections' commits) skips
 * the work when nothing changed, and a global final sequence finds the ids that became final.
 */
export class AppHub {
  private readonly finalListeners = new Set<FinalListener>();
  private readonly workWaiters = new WakeList();
  /** Final sequence up to which finals were delivered. */
  private finalCursor = 0;
  /** Sequences delivered in-process and not yet passed by the cursor. */
  private readonly localSeqs = new Set<number>();
  private maxLocalSeq = 0;
  private dataVersion = -1;
  private nextDueAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastActivityAt = 0;
  private closed = false;

  constructor(
    private readonly st: Statements,
    private readonly appId: string,
  ) {}

  addFinalListener(listener: FinalListener): () => void {
    if (this.closed) return () => {};
    if (this.finalListeners.size === 0) {
      this.finalCursor = this.st.currentFinalSeq.get() ?? 0;
      this.localSeqs.clear();
      this.maxLocalSeq = this.finalCursor;
    }
    this.finalListeners.add(listener);
    this.startPolling();
    return () => {
      this.finalListeners.delete(listener);
    };
  }

  addWorkWaiter(wake: () => void): () => void {
    if (this.closed) {
      wake();
      return () => {};
    }
    const remove = this.workWaiters.add(wake);
    this.startPolling();
    return remove;
  }

  /** Announces the effects of a primitive this process just committed. */
  publish(effects: Effects): void {
    this.noteActivity();
    if (effects.work) this.wakeWorkWaiters();
    if (effects.finals.length === 0 || this.finalListeners.size === 0) return;
    for (const { seq } of effects.finals) {
      if (seq <= this.finalCursor) continue;
      this.localSeqs.add(seq);
      if (seq > this.maxLocalSeq) this.maxLocalSeq = seq;
    }
    this.deliver(effects.finals.map((f) => f.id));
  }

  /** Stops polling and resolves every waiter (the connection is closing). */
  close(): void {
    this.closed = true;
    this.stopPolling();
    this.finalListeners.clear();
    this.wakeWorkWaiters();
  }

  private deliver(ids: string[]): void {
    if (ids.length === 0) return;
    const listeners = [...this.finalListeners];
    queueMicrotask(() => callFinalListeners(listeners, ids));
  }

  private wakeWorkWaiters(): void {
    this.workWaiters.wakeAll();
  }

  private startPolling(): void {
    if (this.timer || this.closed) return;
    this.dataVersion = this.st.dataVersion.get() ?? 0;
    this.nextDueAt = null;
    this.schedulePoll();
  }

  private schedulePoll(): void {
    const active = Date.now() - this.lastActivityAt < ACTIVE_WINDOW_MS;
    this.timer = setTimeout(() => this.poll(), active ? ACTIVE_POLL_MS : IDLE_POLL_MS);
    this.timer.unref();
  }

  /** A commit happened: poll often for a while. */
  private noteActivity(): void {
    const wasIdle = Date.now() - this.lastActivityAt >= ACTIVE_WINDOW_MS;
    this.lastActivityAt = Date.now();
    if (wasIdle && this.timer) {
      clearTimeout(this.timer);
      this.schedulePoll();
    }
  }

  private stopPolling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private poll(): void {
    this.timer = null;
    if (this.closed) return;
    if (this.finalListeners.size === 0 && this.workWaiters.size === 0) return;
    try {
      this.check();
    } finally {
      if (!this.closed && this.timer === null) this.schedulePoll();
    }
  }

  private check(): void {
    try {
      const version = this.st.dataVersion.get() ?? 0;
      const changed = version !== this.dataVersion;
      this.dataVersion = version;
      if (changed) this.lastActivityAt = Date.now();
      if (this.finalListeners.size > 0) {
        if (changed) this.pollFinals();
        else this.passLocalFinals();
      }
      if (
        this.workWaiters.size > 0 &&
        (changed || (this.nextDueAt !== null && this.nextDueAt <= Date.now()))
      ) {
        this.nextDueAt = this.st.nextDueAt.get(this.appId) ?? null;
        if (this.nextDueAt !== null && this.nextDueAt <= Date.now()) this.wakeWorkWaiters();
      }
    } catch {
      // The database is busy or closing: the next tick tries again.
    }
  }

  /** No other connection committed since the last poll: every final since then was local. */
  private passLocalFinals(): void {
    if (this.maxLocalSeq > this.finalCursor) this.finalCursor = this.maxLocalSeq;
    this.localSeqs.clear();
  }

  private pollFinals(): void {
    for (;;) {
      const rows = this.st.finalsSince.all(this.appId, this.finalCursor, FINALS_PAGE);
      const ids: string[] = [];
      for (const row of rows) {
        if (!this.localSeqs.delete(row.final_seq)) ids.push(row.invocation_id);
        this.finalCursor = row.final_seq;
      }
      this.deliver(ids);
      if (rows.length < FINALS_PAGE) break;
    }
    if (this.maxLocalSeq > this.finalCursor) return;
    this.localSeqs.clear();
  }
}
