/**
 * Counts the execution slots of a runner. Invocations that resume after waiting get a freed
 * slot before new claims do, so a resumed parent is never starved by fresh work.
 */
export class SlotPool {
  private used = 0;
  private readonly resumers: Array<() => void> = [];
  private readonly onFree: () => void;

  constructor(
    private readonly size: number,
    onFree: () => void,
  ) {
    this.onFree = onFree;
  }

  /** Slots a new claim may use now (resumers waiting for a slot come first). */
  get freeForClaims(): number {
    return Math.max(0, this.size - this.used - this.resumers.length);
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot for a newly claimed invocation (the caller checked `freeForClaims`). */
  take(): void {
    this.used++;
  }

  /** Takes a slot for a resuming invocation, waiting for one when all are in use. */
  takeForResume(): Promise<void> {
    if (this.used < this.size && this.resumers.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.resumers.push(resolve));
  }

  /** Gives a slot back: to the first waiting resumer, else to the pool. */
  release(): void {
    const next = this.resumers.shift();
    if (next) {
      next(); // the slot passes to the resumer: `used` is unchanged
      return;
    }
    this.used--;
    this.onFree();
  }

  /** Wakes every waiting resumer without a slot (the runner is stopping). */
  drainResumers(): void {
    for (const resume of this.resumers.splice(0)) {
      this.used++;
      resume();
    }
  }
}
