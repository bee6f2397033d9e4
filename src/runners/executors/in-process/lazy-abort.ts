/**
 * An AbortController made on first use. Runners hold one per invocation and almost never abort
 * it, while an AbortSignal (an EventTarget) is among the costliest objects of an execution.
 */
export class LazyAbortController {
  private controller: AbortController | undefined;
  private abortedEarly = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedEarly) this.controller.abort();
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller ? this.controller.signal.aborted : this.abortedEarly;
  }

  abort(): void {
    if (this.controller) this.controller.abort();
    else this.abortedEarly = true;
  }
}
