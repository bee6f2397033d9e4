import { AsyncLocalStorage } from "node:async_hooks";

/** What a runner needs to offer code that runs inside one of its invocations. */
export interface RunnerHandle {
  readonly runnerId: string;
  readonly runnerClass: string;
  /** Pauses `runningInvocationId` (when given) until every id in `resultInvocationIds` is final. */
  waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
  ): Promise<void>;
  /**
   * The task body of `invocationId` ended: detach its open waits and resume it if paused.
   * Undefined when there was nothing to do (the common case: it never waited).
   */
  settleWaits?(invocationId: string): Promise<void> | undefined;
}

/** The execution context of one app in the current async call chain. */
export interface ExecutionContext {
  readonly appId: string;
  readonly runner: RunnerHandle;
  /** The invocation being executed, when inside a task. */
  readonly invocationId: string | null;
  readonly taskId: string | null;
  readonly workflowId: string | null;
  /** Aborted when the runner kills the invocation (stop, reroute): tasks may watch it. */
  readonly signal: AbortSignal | null;
}

type ContextMap = ReadonlyMap<string, ExecutionContext>;

const storage = new AsyncLocalStorage<ContextMap>();

/** The context of `appId` in the current async call chain, if any. */
export function getExecutionContext(appId: string): ExecutionContext | undefined {
  return storage.getStore()?.get(appId);
}

/** Runs `fn` with `context` as the current context of its app (other apps' contexts are kept). */
export function runInExecutionContext<T>(context: ExecutionContext, fn: () => T): T {
  const next = new Map(storage.getStore() ?? []);
  next.set(context.appId, context);
  return storage.run(next, fn);
}
