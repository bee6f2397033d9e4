/**
 * What the latest claim saw of the queue, so that an idle runner can wait for work without
 * reading the queue again (one script call less between a claim and the outcome of what it
 * claimed, on the same connection).
 *
 * It is sound because of how work is announced: every script that queues work publishes on the
 * app's work channel after its writes, and the subscriber counts those messages (`workMark`).
 * A claim takes the mark before it is sent and reports the queue as it left it. If no work
 * message arrived since that mark, anything queued after the claim ran is still to be announced
 * and will wake the waiter; anything queued before it was seen by the claim. A reconnect of the
 * subscriber (messages may be lost) moves the mark too, and no mark is given while the
 * subscription is not confirmed.
 */
export interface QueueAfterClaim {
  /** Entries left in the ready queue (stale ones included). */
  ready: number;
  /** When the earliest delayed entry becomes claimable, or null when none is delayed. */
  nextDueAt: number | null;
}

export class QueueMemo {
  private seen: { mark: number; nextDueAt: number | null } | null = null;

  /** `workMark`: the count of work messages received, or null while not surely subscribed. */
  constructor(private readonly workMark: () => number | null) {}

  /** The mark to take before sending a claim. */
  mark(): number | null {
    return this.workMark();
  }

  /** A claim sent at `mark` left the queue as `queue` (unknown: undefined). */
  record(mark: number | null, queue: QueueAfterClaim | undefined): void {
    if (mark === null || queue === undefined) return;
    if (queue.ready > 0) {
      // A later claim at the same mark found work: the empty queue seen before is past.
      if (mark === this.seen?.mark) this.seen = null;
    } else if (this.seen === null || mark >= this.seen.mark) {
      this.seen = { mark, nextDueAt: queue.nextDueAt };
    }
  }

  /**
   * When the queue is known to hold nothing ready now: the time its earliest delayed entry is
   * due (or null). Undefined when not known (read the queue).
   */
  knownIdle(): { nextDueAt: number | null } | undefined {
    const seen = this.seen;
    if (seen === null || this.workMark() !== seen.mark) return undefined;
    return { nextDueAt: seen.nextDueAt };
  }
}
