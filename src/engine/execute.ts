import type { TransitionRequest } from "../backends/contract/orchestrator.js";
import type { ClaimedInvocation } from "../backends/contract/records.js";
import { type RunnerHandle, runInExecutionContext } from "../context/execution-context.js";
import { InvocationStatusError, SerializationError, TaskNotFoundError } from "../errors/errors.js";
import { encodeError } from "../serializer/error-codec.js";
import { InvocationStatus } from "../status/statuses.js";
import type { AppCore } from "./app-core.js";
import { decodeCallArguments } from "./register.js";
import { isRetriable, retryDelayFor } from "./task-definition.js";

const S = InvocationStatus;
const WRITE_ATTEMPTS = 5;

/** How a runner stops an execution (a LazyAbortController). */
export interface Stoppable {
  readonly signal: AbortSignal;
  readonly aborted: boolean;
}

/** How an execution ended for the runner that held it. */
export type ExecutionEnd =
  /** The outcome (SUCCESS, FAILED, RETRY) is stored. */
  | "stored"
  /** The invocation is no longer this runner's (killed, recovered, or stopped before it started). */
  | "lost"
  /** The outcome could not be stored (backend failures): the runner should hand it back. */
  | "unsaved";

type Outcome =
  | { kind: "success"; value: unknown }
  | { kind: "retry"; error: unknown; delayMs: number }
  | { kind: "failure"; error: unknown };

/**
 * Executes one claimed invocation on `runner`: PENDING -> RUNNING (unless it was claimed
 * straight into RUNNING), runs the task in its execution context, then stores SUCCESS, FAILED
 * or RETRY (retrying the write on backend errors). `onBodyEnd` is called when the task body has
 * returned or thrown, before its outcome is written. Never throws.
 */
export async function executeClaimed(
  app: AppCore,
  claimed: ClaimedInvocation,
  runner: RunnerHandle,
  stop: Stoppable,
  onBodyEnd?: () => void,
): Promise<ExecutionEnd> {
  const id = claimed.record.invocationId;
  if (stop.aborted) return "lost";
  if (claimed.status.status !== S.RUNNING && !(await start(app, id, runner))) return "lost";
  const outcome = await runTask(app, claimed, runner, stop);
  const settling = runner.settleWaits?.(id);
  if (settling) {
    await settling.catch((error: unknown) => {
      app.logger.warn(`invocation:${id} could not resume before finishing: ${describe(error)}`);
    });
  }
  onBodyEnd?.();
  return writeOutcome(app, id, runner.runnerId, outcome, claimed.record.taskId);
}

/** PENDING -> RUNNING; false when the invocation is no longer this runner's to start. */
async function start(app: AppCore, id: string, runner: RunnerHandle): Promise<boolean> {
  try {
    await app.backend.orchestrator.transition({
      invocationId: id,
      to: S.RUNNING,
      runnerId: runner.runnerId,
      expected: { status: S.PENDING, ownerId: runner.runnerId },
      now: Date.now(),
    });
    return true;
  } catch (error) {
    // Not started: the claim's lease expires and the invocation is claimed again.
    app.logger.warn(`invocation:${id} could not start here: ${describe(error)}`);
    return false;
  }
}

async function runTask(
  app: AppCore,
  claimed: ClaimedInvocation,
  runner: RunnerHandle,
  stop: Stoppable,
): Promise<Outcome> {
  const { record } = claimed;
  const task = app.getTaskDefinition(record.taskId);
  if (!task) {
    const known = [...app.knownTaskIds()].slice(0, 20).join(", ");
    return {
      kind: "failure",
      error: new TaskNotFoundError(
        record.taskId,
        `is not registered in app '${app.appId}' (known: ${known})`,
      ),
    };
  }
  const context = {
    appId: app.appId,
    runner,
    invocationId: record.invocationId,
    taskId: record.taskId,
    workflowId: record.workflowId,
    // Made only when the task looks at it.
    get signal() {
      return stop.signal;
    },
  };
  try {
    const decoded = decodeCallArguments(app, record);
    const args = Array.isArray(decoded) ? decoded : await decoded;
    const value = await runInExecutionContext(context, () =>
      (task.fn as (...a: unknown[]) => unknown)(...args),
    );
    return { kind: "success", value };
  } catch (error) {
    try {
      const settings = task.settings();
      if (isRetriable(error, settings) && claimed.numRetries < settings.maxRetries) {
        return { kind: "retry", error, delayMs: retryDelayFor(settings, claimed.numRetries + 1) };
      }
    } catch (settingsError) {
      return { kind: "failure", error: settingsError };
    }
    return { kind: "failure", error };
  }
}

/**
 * The transition that stores `outcome`; built at once (no promise) when it needs nothing from
 * the client data store, the usual case. A result that cannot be serialized becomes a failure.
 */
function outcomeTransition(
  app: AppCore,
  id: string,
  runnerId: string,
  outcome: Outcome,
  taskId: string,
): TransitionRequest | Promise<TransitionRequest> {
  const base = { invocationId: id, runnerId, now: Date.now() };
  if (outcome.kind === "success") {
    try {
      const serialized = app.clientData.serializeNow(outcome.value, { label: `task '${taskId}' result` });
      if (typeof serialized === "string") return { ...base, to: S.SUCCESS, result: serialized };
      return serialized.then(
        (result) => ({ ...base, to: S.SUCCESS, result }),
        (error: unknown) => unserializable(app, base, taskId, error),
      );
    } catch (error) {
      return unserializable(app, base, taskId, error);
    }
  }
  return externalizedError(app, base, outcome);
}

async function externalizedError(
  app: AppCore,
  base: { invocationId: string; runnerId: string; now: number },
  outcome: Exclude<Outcome, { kind: "success" }>,
): Promise<TransitionRequest> {
  const error = await app.clientData.externalize(encodeError(outcome.error, app.serializer));
  if (outcome.kind === "retry") {
    return { ...base, to: S.RETRY, error, incrementRetries: true, requeue: { delayMs: outcome.delayMs } };
  }
  return { ...base, to: S.FAILED, error };
}

async function unserializable(
  app: AppCore,
  base: { invocationId: string; runnerId: string; now: number },
  taskId: string,
  error: unknown,
): Promise<TransitionRequest> {
  if (!(error instanceof SerializationError)) throw error;
  const failure = new SerializationError(`task '${taskId}': result: ${error.message}`, { cause: error });
  return {
    ...base,
    to: S.FAILED,
    error: await app.clientData.externalize(encodeError(failure, app.serializer)),
  };
}

async function writeOutcome(
  app: AppCore,
  id: string,
  runnerId: string,
  outcome: Outcome,
  taskId: string,
): Promise<ExecutionEnd> {
  for (let attempt = 1; ; attempt++) {
    try {
      const built = outcomeTransition(app, id, runnerId, outcome, taskId);
      const request = built instanceof Promise ? await built : built;
      await app.backend.orchestrator.transition(request);
      if (request.to === S.RETRY) app.logger.info(`invocation:${id} status:${S.RETRY}`);
      else if (app.logger.isLevelEnabled("debug")) app.logger.debug(`invocation:${id} status:${request.to}`);
      return "stored";
    } catch (error) {
      if (error instanceof InvocationStatusError) {
        app.logger.warn(
          `invocation:${id} outcome not stored: it is no longer this runner's (${error.message})`,
        );
        return "lost";
      }
      if (attempt >= WRITE_ATTEMPTS) {
        app.logger.error(
          `invocation:${id} outcome could not be stored after ${attempt} attempts: ${describe(error)}`,
        );
        return "unsaved";
      }
      app.logger.warn(`invocation:${id} storing its outcome failed (attempt ${attempt}): ${describe(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
