/** A one-shot signal the runner loop waits on: `wake()` resolves the pending `wait()`. */
export class Wakeup {
  private pending: (() => void) | null = null;
  private woken = false;

  wait(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.pending = resolve;
    });
  }

  wake(): void {
    const pending = this.pending;
    if (pending) {
      this.pending = null;
      pending();
    } else {
      this.woken = true;
    }
  }

  /** Forgets a wait that lost its race (its promise resolves, harmlessly, on the next wake). */
  cancel(): void {
    if (this.pending) {
      const pending = this.pending;
      this.pending = null;
      pending();
    }
  }
}
