/**
 * Counts the execution slots of a runner. Slots for claims are reserved before the claim is
 * sent (so a resume during the claim cannot over-subscribe), and invocations that resume after
 * waiting get a freed slot before new claims do.
 */
export class SlotPool {
  private used = 0;
  private readonly resumers: Array<() => void> = [];

  constructor(
    private readonly size: number,
    private readonly onFree: () => void,
  ) {}

  /** Slots free for new claims now. */
  get free(): number {
    return this.resumers.length > 0 ? 0 : Math.max(0, this.size - this.used);
  }

  /** Reserves `count` slots for a claim; give back the unused ones with `unreserve`. */
  reserve(count: number): void {
    this.used += count;
  }

  /** Gives back reserved slots a claim did not use (to waiting resumers first), without waking the loop. */
  unreserve(count: number): void {
    for (let i = 0; i < count; i++) this.handOver();
  }

  /** Takes a slot for a resuming invocation, waiting for one when all are in use. */
  takeForResume(): Promise<void> {
    if (this.used < this.size && this.resumers.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.resumers.push(resolve));
  }

  /** Gives slots back (to waiting resumers first, else to the pool) and wakes the runner loop. */
  release(count = 1): void {
    if (count <= 0) return;
    for (let i = 0; i < count; i++) this.handOver();
    this.onFree();
  }

  /** Wakes every waiting resumer (the runner is stopping). */
  drainResumers(): void {
    for (const resume of this.resumers.splice(0)) {
      this.used++;
      resume();
    }
  }

  private handOver(): void {
    const next = this.resumers.shift();
    if (next) {
      next(); // the slot passes to the resumer: `used` is unchanged
    } else {
      this.used--;
    }
  }
}
