import { getExecutionContext } from "../context/execution-context.js";
import type { AppCore } from "../engine/app-core.js";
import { readFinalResult } from "../engine/outcome.js";
import { InvocationNotFoundError } from "../errors/errors.js";
import type { InvocationStatus } from "../status/statuses.js";
import type { HistoryItem, Invocation } from "./invocation.js";

/** Waits until every id is final: inside a task through its runner (which pauses it), else directly. */
export async function waitForInvocations(app: AppCore, ids: readonly string[]): Promise<void> {
  const context = getExecutionContext(app.appId);
  if (context?.invocationId) await context.runner.waitingForResults(context.invocationId, ids);
  else await app.finality.waitForFinal(ids);
}

/** An invocation stored in the app's backend, executed by any runner. */
export class DistributedInvocation<R> implements Invocation<R> {
  /** True when registration concurrency returned an invocation that was already waiting. */
  readonly reused: boolean;
  /** For a reused invocation: the new call's arguments when they differ from the reused one's (not executed). */
  readonly differingArguments: readonly unknown[] | null;

  constructor(
    private readonly app: AppCore,
    readonly invocationId: string,
    readonly taskId: string,
    readonly callId: string,
    reuse?: { differingArguments: readonly unknown[] | null },
  ) {
    this.reused = reuse !== undefined;
    this.differingArguments = reuse?.differingArguments ?? null;
  }

  async result(): Promise<R> {
    await waitForInvocations(this.app, [this.invocationId]);
    return readFinalResult<R>(this.app, this.invocationId);
  }

  async status(): Promise<InvocationStatus> {
    const record = (await this.app.backend.orchestrator.getStatuses([this.invocationId])).get(
      this.invocationId,
    );
    if (!record) throw new InvocationNotFoundError(this.invocationId);
    return record.status;
  }

  async history(): Promise<HistoryItem[]> {
    const entries = await this.app.backend.stateBackend.getHistory(this.invocationId);
    return entries.map((entry) => ({
      status: entry.status,
      runnerId: entry.runnerId,
      timestamp: new Date(entry.timestamp),
    }));
  }

  numRetries(): Promise<number> {
    return this.app.backend.orchestrator.getRetries(this.invocationId);
  }
}
