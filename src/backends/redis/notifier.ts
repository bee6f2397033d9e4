import type { Redis } from "ioredis";
import { isInvocationStatus } from "../../status/statuses.js";
import type { FinalListener, FinalOutcome } from "../contract/orchestrator.js";
import { callFinalListeners, WakeList } from "../shared/notifications.js";
import type { RedisKeys } from "./keys.js";

/**
 * The app's pub/sub side, on one dedicated subscriber connection opened on first use: wakes
 * `waitForWork` callers when work is queued and feeds `onFinal` listeners. The scripts publish
 * after their writes, so a message always describes committed state. Listeners and waiters are
 * kept here, not on the connection, so they survive reconnects (the channels are subscribed again on every reconnect); after a
 * reconnect every work waiter is woken to re-check the queue.
 */
export class RedisNotifier {
  private subscriber: Redis | null = null;
  private subscribing: Promise<void> | null = null;
  /** Set while a subscription is being set up; commands wait for it (see `settled`). */
  private pending: Promise<void> | null = null;
  private readonly finalListeners = new Set<FinalListener>();
  private readonly workWaiters = new WakeList();
  private closed = false;
  /** Work messages received (and reconnects, which may have lost some): see QueueMemo. */
  private workSeq = 0;
  /** True while the channels are surely subscribed on the current connection. */
  private live = false;

  constructor(
    private readonly keys: RedisKeys,
    private readonly open: () => Redis,
  ) {}

  /** Resolves once the app's channels are subscribed; safe to call repeatedly. */
  subscribe(): Promise<void> {
    if (this.subscribing) return this.subscribing;
    const subscriber = this.open();
    this.subscriber = subscriber;
    subscriber.on("message", (channel: string, message: string) => this.dispatch(channel, message));
    let connections = 0;
    subscriber.on("close", () => {
      this.live = false;
      this.wakeWork();
    });
    subscriber.on("ready", () => {
      if (++connections === 1) return;
      // After a reconnect a message may have been missed: waiters re-check the queue. The
      // channels are subscribed again here (ioredis's own re-subscribe is off, see
      // connection.ts), and the subscription counts as live once that is answered.
      this.wakeWork();
      const connection = connections;
      subscriber.subscribe(this.keys.workChannel, this.keys.finalChannel).then(
        () => {
          if (connection !== connections || this.subscriber !== subscriber) return;
          this.live = true;
          // A check made between the reconnect and now could have missed a message: again.
          this.wakeWork();
        },
        () => {},
      );
    });
    const subscribing = subscriber.subscribe(this.keys.workChannel, this.keys.finalChannel).then(
      () => {
        this.pending = null;
        if (connections <= 1 && this.subscriber === subscriber) this.live = true;
      },
      (error: unknown) => {
        this.pending = null;
        this.subscribing = null;
        this.subscriber = null;
        subscriber.disconnect();
        throw error;
      },
    );
    this.subscribing = subscribing;
    this.pending = subscribing.catch(() => {});
    return subscribing;
  }

  /**
   * A subscription still being set up, or null. Commands that may publish (or that a waiter
   * issues right after subscribing) wait for it, so a listener registered before a change in
   * this process always hears about it.
   */
  settled(): Promise<void> | null {
    return this.pending;
  }

  onFinal(listener: FinalListener): () => void {
    this.finalListeners.add(listener);
    this.subscribe().catch(() => {});
    return () => {
      this.finalListeners.delete(listener);
    };
  }

  /**
   * The count of work messages received so far, or null while the subscription is not
   * confirmed: equal marks mean nothing was announced in between (see QueueMemo).
   */
  workMark(): number | null {
    return this.live && !this.closed ? this.workSeq : null;
  }

  /** Registers a one-shot wake-up for queued work; returns its removal. */
  addWorkWaiter(wake: () => void): () => void {
    if (this.closed) {
      queueMicrotask(wake);
      return () => {};
    }
    return this.workWaiters.add(wake);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live = false;
    this.finalListeners.clear();
    this.wakeWork();
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.subscribing = null;
    this.pending = null;
    if (subscriber) {
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    }
  }

  private dispatch(channel: string, message: string): void {
    if (channel === this.keys.workChannel) {
      this.wakeWork();
      return;
    }
    if (channel !== this.keys.finalChannel || this.finalListeners.size === 0) return;
    const finals = parseFinalMessage(message);
    if (!finals || finals.ids.length === 0) return;
    const { ids, outcomes } = finals;
    callFinalListeners(this.finalListeners, ids, outcomes);
  }

  private wakeWork(): void {
    this.workSeq++;
    this.workWaiters.wakeAll();
  }
}

/**
 * A final message: `[[id] | [id, status, res, err] | id, ...]` (see lib/status.lua), outcome fields
 * stored as `=` + value or `` for none. Null for a malformed message.
 */
function parseFinalMessage(message: string): { ids: string[]; outcomes: Map<string, FinalOutcome> } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const ids: string[] = [];
  const outcomes = new Map<string, FinalOutcome>();
  for (const entry of parsed) {
    if (typeof entry === "string") {
      ids.push(entry); // a bare id (the format before outcomes rode along)
      continue;
    }
    if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
    const [id, status, result, error] = entry as unknown[];
    ids.push(id as string);
    if (isInvocationStatus(status) && typeof result === "string" && typeof error === "string") {
      outcomes.set(id as string, {
        status,
        result: result ? result.slice(1) : null,
        error: error ? error.slice(1) : null,
      });
    }
  }
  return { ids, outcomes };
}
