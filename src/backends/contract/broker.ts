/**
 * The queue of invocation ids waiting to be claimed. In the built-in backends it lives in the
 * same store as the orchestrator, which writes it inside its atomic primitives (registration,
 * claim, requeue); the broker contract is what the runner and the monitor see of it.
 * Entries can be stale (an id whose invocation is no longer available): claims skip them.
 */
export interface Broker {
  /** Number of entries in the queue, including delayed ones. */
  size(): Promise<number>;
  /**
   * Resolves when there may be work to claim: at once when the queue holds an entry that is
   * due (so a push between a claim and this call is never missed), else when an entry is
   * pushed, a delayed entry becomes due, `timeoutMs` elapses or `signal` aborts. Never rejects.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void>;
  /** Deletes the app's queue. */
  purge(): Promise<void>;
}
