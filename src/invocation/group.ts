import { getExecutionContext } from "../context/execution-context.js";
import type { AppCore } from "../engine/app-core.js";
import { readFinalResult, readFinalResults } from "../engine/outcome.js";
import { isFinalStatus } from "../status/status-table.js";
import { waitForInvocations } from "./distributed-invocation.js";
import type { Invocation } from "./invocation.js";

/** Invocations registered together (by `parallelize`). */
export interface InvocationGroup<R> {
  readonly invocations: readonly Invocation<R>[];
  /** Results in completion order. */
  results(): AsyncIterable<R>;
  /** Results in input order. */
  all(): Promise<R[]>;
}

export class DistributedInvocationGroup<R> implements InvocationGroup<R> {
  constructor(
    private readonly app: AppCore,
    readonly invocations: readonly Invocation<R>[],
  ) {}

  async all(): Promise<R[]> {
    const ids = this.invocations.map((inv) => inv.invocationId);
    await waitForInvocations(this.app, ids);
    return readFinalResults<R>(this.app, ids);
  }

  async *results(): AsyncIterable<R> {
    const orchestrator = this.app.backend.orchestrator;
    let remaining = this.invocations.map((inv) => inv.invocationId);
    if (getExecutionContext(this.app.appId)?.invocationId) {
      // Inside a task: pause once for all of them, then yield in the order they finished.
      await waitForInvocations(this.app, remaining);
    }
    while (remaining.length > 0) {
      const statuses = await orchestrator.getStatuses(remaining);
      const done = remaining
        .filter((id) => {
          const status = statuses.get(id);
          return status !== undefined && isFinalStatus(status.status);
        })
        .sort((a, b) => (statuses.get(a)?.timestamp ?? 0) - (statuses.get(b)?.timestamp ?? 0));
      for (const id of done) yield await readFinalResult<R>(this.app, id);
      const doneSet = new Set(done);
      remaining = remaining.filter((id) => !doneSet.has(id));
      if (remaining.length > 0 && done.length === 0)
        await this.app.finality.waitForFinal(remaining, undefined, "any");
    }
  }
}
