import type { ClaimedInvocation } from "../backends/contract/records.js";
import { type RunnerHandle, runInExecutionContext } from "../context/execution-context.js";
import { encodeError } from "../errors/error-codec.js";
import { InvocationStatusError, SerializationError, TaskNotFoundError } from "../errors/errors.js";
import { InvocationStatus } from "../status/statuses.js";
import type { AppCore } from "./app-core.js";
import { decodeCallArguments } from "./register.js";
import { isRetriable, retryDelayFor } from "./task-definition.js";

const S = InvocationStatus;

/**
 * Executes one claimed invocation on `runner`: PENDING -> RUNNING, runs the task in its
 * execution context, then stores SUCCESS, FAILED or RETRY. Never throws: an invocation whose
 * ownership was lost meanwhile (killed, recovered) is logged and left to its new owner.
 */
export async function executeClaimed(
  app: AppCore,
  claimed: ClaimedInvocation,
  runner: RunnerHandle,
  signal: AbortSignal,
): Promise<void> {
  const { record } = claimed;
  const id = record.invocationId;
  const orchestrator = app.backend.orchestrator;
  try {
    await orchestrator.transition({
      invocationId: id,
      to: S.RUNNING,
      runnerId: runner.runnerId,
      expected: { status: S.PENDING, ownerId: runner.runnerId },
      now: Date.now(),
    });
    const task = app.getTaskDefinition(record.taskId);
    if (!task) {
      const known = [...app.knownTaskIds()].slice(0, 20).join(", ");
      const error = new TaskNotFoundError(
        record.taskId,
        `is not registered in app '${app.appId}' (known: ${known})`,
      );
      await fail(app, id, runner.runnerId, error);
      return;
    }
    let args: unknown[];
    try {
      args = await decodeCallArguments(app, record);
    } catch (error) {
      await fail(app, id, runner.runnerId, error);
      return;
    }
    const context = {
      appId: app.appId,
      runner,
      invocationId: id,
      taskId: record.taskId,
      workflowId: record.workflowId,
      signal,
    };
    let value: unknown;
    try {
      value = await runInExecutionContext(context, () => (task.fn as (...a: unknown[]) => unknown)(...args));
    } catch (error) {
      const settings = task.settings();
      if (isRetriable(error, settings) && claimed.numRetries < settings.maxRetries) {
        await orchestrator.transition({
          invocationId: id,
          to: S.RETRY,
          runnerId: runner.runnerId,
          error: await app.clientData.externalize(encodeError(error, app.serializer)),
          incrementRetries: true,
          requeue: { delayMs: retryDelayFor(settings, claimed.numRetries + 1) },
          now: Date.now(),
        });
        app.logger.info(`invocation:${id} status:${S.RETRY}`, { retry: claimed.numRetries + 1 });
      } else {
        await fail(app, id, runner.runnerId, error);
      }
      return;
    }
    let result: string;
    try {
      result = await app.clientData.serialize(value, { label: `task '${record.taskId}' result` });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await fail(
        app,
        id,
        runner.runnerId,
        new SerializationError(`task '${record.taskId}': result: ${reason}`),
      );
      return;
    }
    await orchestrator.transition({
      invocationId: id,
      to: S.SUCCESS,
      runnerId: runner.runnerId,
      result,
      now: Date.now(),
    });
  } catch (error) {
    if (error instanceof InvocationStatusError) {
      app.logger.warn(`invocation:${id} was taken over before it could finish here: ${error.message}`);
      return;
    }
    app.logger.error(`invocation:${id} could not be executed: ${describe(error)}`, { error });
  }
}

async function fail(app: AppCore, id: string, runnerId: string, error: unknown): Promise<void> {
  await app.backend.orchestrator.transition({
    invocationId: id,
    to: S.FAILED,
    runnerId,
    error: await app.clientData.externalize(encodeError(error, app.serializer)),
    now: Date.now(),
  });
  app.logger.debug(`invocation:${id} status:${S.FAILED}`, { error: describe(error) });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
