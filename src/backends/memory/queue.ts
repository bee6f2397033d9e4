/**
 * The memory backend's queue: FIFO of ready ids plus delayed entries ordered by due time.
 * Entries may be stale (the claim skips ids that are no longer available).
 */
export class MemoryQueue {
  private ready: string[] = [];
  private head = 0;
  /** Sorted by `availableAt`, ties in push order. */
  private delayed: Array<{ id: string; availableAt: number }> = [];

  push(id: string, availableAt: number, now: number): void {
    if (availableAt <= now) {
      this.ready.push(id);
      return;
    }
    let lo = 0;
    let hi = this.delayed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const entry = this.delayed[mid];
      if (entry && entry.availableAt <= availableAt) lo = mid + 1;
      else hi = mid;
    }
    this.delayed.splice(lo, 0, { id, availableAt });
  }

  /** Moves due delayed entries to the ready queue. */
  promoteDue(now: number): void {
    let due = 0;
    while (due < this.delayed.length && (this.delayed[due]?.availableAt ?? Number.POSITIVE_INFINITY) <= now)
      due++;
    if (due === 0) return;
    for (const entry of this.delayed.splice(0, due)) this.ready.push(entry.id);
  }

  /** Next ready id, or undefined. */
  shift(): string | undefined {
    if (this.head >= this.ready.length) return undefined;
    const id = this.ready[this.head];
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    return id;
  }

  /** Whether an entry can be taken now (ready, or delayed and due). */
  hasDue(now: number): boolean {
    return this.head < this.ready.length || (this.delayed[0]?.availableAt ?? Number.POSITIVE_INFINITY) <= now;
  }

  /** Due time of the earliest delayed entry, if any. */
  nextDueAt(): number | undefined {
    return this.delayed[0]?.availableAt;
  }

  get size(): number {
    return this.ready.length - this.head + this.delayed.length;
  }

  clear(): void {
    this.ready = [];
    this.head = 0;
    this.delayed = [];
  }
}
