import { randomUUID } from "node:crypto";
import type { AppCore } from "../engine/app-core.js";
import { isRetriable, retryDelayFor, type TaskDefinition } from "../engine/task-definition.js";
import { callIdOf, computeArgsId } from "../identity/args-id.js";
import { InvocationStatus } from "../status/statuses.js";
import type { InvocationGroup } from "./group.js";
import type { HistoryItem, Invocation } from "./invocation.js";

const S = InvocationStatus;
const DEV_RUNNER_ID = "DevModeSync";

/**
 * Dev mode (`devModeForceSyncTasks`): the task runs inline in the caller as soon as it is
 * called, with retries, and its status and history live in this object. Arguments still go
 * through the serializer, so what fails to serialize here fails in production too.
 */
export class SyncInvocation<R> implements Invocation<R> {
  readonly reused = false;
  readonly differingArguments = null;
  private readonly events: HistoryItem[] = [];
  private retries = 0;
  private outcome: { ok: true; value: R } | { ok: false; error: unknown } | null = null;
  private readonly done: Promise<void>;

  private constructor(
    private readonly app: AppCore,
    private readonly task: TaskDefinition,
    private readonly args: unknown[],
    readonly invocationId: string,
    readonly callId: string,
  ) {
    this.record(S.REGISTERED);
    this.done = this.execute();
  }

  static async start<R>(
    app: AppCore,
    task: TaskDefinition,
    args: readonly unknown[],
  ): Promise<SyncInvocation<R>> {
    // Dev mode stores nothing: every value stays inline, but goes through the serializer.
    const serialized = await app.clientData.serializeArguments(task.taskId, args, ["*"]);
    const roundTripped = await app.clientData.deserializeArguments(task.taskId, serialized);
    const callId = callIdOf(task.taskId, computeArgsId(serialized));
    return new SyncInvocation<R>(app, task, roundTripped, randomUUID(), callId);
  }

  get taskId(): string {
    return this.task.taskId;
  }

  async result(): Promise<R> {
    await this.done;
    const outcome = this.outcome;
    if (outcome?.ok) return outcome.value;
    throw outcome?.error;
  }

  async status(): Promise<InvocationStatus> {
    return this.events.at(-1)?.status ?? S.REGISTERED;
  }

  async history(): Promise<HistoryItem[]> {
    return [...this.events];
  }

  async numRetries(): Promise<number> {
    return this.retries;
  }

  private async execute(): Promise<void> {
    await Promise.resolve(); // let the caller receive the invocation first
    for (;;) {
      this.record(S.PENDING);
      this.record(S.RUNNING);
      try {
        const value = (await (this.task.fn as (...a: unknown[]) => unknown)(...this.args)) as R;
        this.outcome = { ok: true, value };
        this.record(S.SUCCESS);
        return;
      } catch (error) {
        const settings = this.task.settings();
        if (isRetriable(error, settings) && this.retries < settings.maxRetries) {
          this.retries++;
          this.record(S.RETRY);
          const delayMs = retryDelayFor(settings, this.retries);
          if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
          continue;
        }
        this.outcome = { ok: false, error };
        this.record(S.FAILED);
        return;
      }
    }
  }

  private record(status: InvocationStatus): void {
    this.events.push({ status, runnerId: DEV_RUNNER_ID, timestamp: new Date() });
    this.app.logger.debug(`invocation:${this.invocationId} status:${status}`);
  }
}

/** The group of a dev-mode `parallelize`: results in input order (they ran inline). */
export class SyncInvocationGroup<R> implements InvocationGroup<R> {
  constructor(readonly invocations: readonly SyncInvocation<R>[]) {}

  all(): Promise<R[]> {
    return Promise.all(this.invocations.map((inv) => inv.result()));
  }

  async *results(): AsyncIterable<R> {
    for (const inv of this.invocations) yield await inv.result();
  }
}
