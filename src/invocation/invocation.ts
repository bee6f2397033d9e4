import type { InvocationStatus } from "../status/statuses.js";

export interface HistoryItem {
  status: InvocationStatus;
  runnerId: string | null;
  timestamp: Date;
}

/** A registered invocation of a task: a handle on its status, history and result. */
export interface Invocation<R> {
  readonly invocationId: string;
  readonly taskId: string;
  readonly callId: string;
  /** True when registration concurrency returned an invocation that was already waiting. */
  readonly reused: boolean;
  /** For a reused invocation: the new call's arguments when they differ from the reused one's. */
  readonly differingArguments: readonly unknown[] | null;
  /** The value; or rejects with the task's error (same name and message, same class when known). */
  result(): Promise<R>;
  status(): Promise<InvocationStatus>;
  history(): Promise<HistoryItem[]>;
  numRetries(): Promise<number>;
}

/**
 * What calling a task returns: resolves to the Invocation once it is durably registered
 * (rejects on serialization, backend or concurrency errors); `result()` registers, then waits.
 */
export class PendingInvocation<R> implements PromiseLike<Invocation<R>> {
  private readonly registration: Promise<Invocation<R>>;

  constructor(registration: Promise<Invocation<R>>) {
    this.registration = registration;
    // An unobserved failure must not crash the process; it surfaces to whoever awaits.
    registration.catch(() => {});
  }

  // biome-ignore lint/suspicious/noThenProperty: PendingInvocation is deliberately a thenable.
  then<A = Invocation<R>, B = never>(
    onfulfilled?: ((value: Invocation<R>) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.registration.then(onfulfilled, onrejected);
  }

  /** Registers, then waits for the result. */
  async result(): Promise<R> {
    return (await this.registration).result();
  }
}
