import { randomUUID } from "node:crypto";
import type { InvocationRecord, RegisterOutcome } from "../backends/contract/records.js";
import { getExecutionContext } from "../context/execution-context.js";
import { SerializationError } from "../errors/errors.js";
import { callIdOf, computeArgsId } from "../identity/args-id.js";
import type { AppCore } from "./app-core.js";
import { concurrencyFields } from "./concurrency-keys.js";
import type { TaskDefinition } from "./task-definition.js";

/** The stored argument key of `parallelize`'s `commonArgs`, merged under the single object argument. */
export const COMMON_ARGS_KEY = "common";

/**
 * Builds the records of new invocations of `task`, with parent and workflow from the current
 * context. With `commonArgs`, each entry of `argsList` is `[partialObject]`: the call's single
 * argument is `{ ...commonArgs, ...partialObject }`, and `commonArgs` is serialized once (and
 * kept once in the client data store when large); each record carries its reference.
 */
export async function buildInvocationRecords(
  app: AppCore,
  task: TaskDefinition,
  argsList: readonly (readonly unknown[])[],
  commonArgs?: Readonly<Record<string, unknown>>,
): Promise<InvocationRecord[]> {
  const context = getExecutionContext(app.appId);
  const parentInvocationId = context?.invocationId ?? null;
  const settings = task.settings();
  const parentWorkflow = settings.forceNewWorkflow ? null : (context?.workflowId ?? null);
  const now = Date.now();
  const serializedList = await app.clientData.serializeArgumentsList(
    task.taskId,
    argsList,
    settings.disableCacheArgs,
  );
  const common = commonArgs === undefined ? undefined : await serializeCommon(app, task, commonArgs);
  return argsList.map((itemArgs, index) => {
    const serialized = serializedList[index] ?? {};
    let args = itemArgs;
    if (common !== undefined && commonArgs !== undefined) {
      serialized[COMMON_ARGS_KEY] = common;
      args = [{ ...commonArgs, ...(itemArgs[0] as Record<string, unknown>) }];
    }
    const argsId = computeArgsId(serialized);
    const invocationId = randomUUID();
    const concurrency = concurrencyFields(task.taskId, settings, args, serialized, argsId, app.serializer);
    // One fixed shape for every record: faster to build, store and compare.
    return {
      invocationId,
      taskId: task.taskId,
      callId: callIdOf(task.taskId, argsId),
      argsId,
      args: serialized,
      parentInvocationId,
      workflowId: parentWorkflow ?? invocationId,
      createdAt: now,
      registrationKey: concurrency.registrationKey ?? null,
      runningKey: concurrency.runningKey ?? null,
      runningLimit: concurrency.runningLimit ?? 1,
      rerouteOnConcurrencyControl: concurrency.rerouteOnConcurrencyControl ?? true,
    };
  });
}

/** Registers the records in batches of `batchSize` (0: one batch), one backend call per batch. */
export async function registerRecords(
  app: AppCore,
  records: InvocationRecord[],
  batchSize: number,
): Promise<RegisterOutcome[]> {
  const outcomes: RegisterOutcome[] = [];
  const runnerId = getExecutionContext(app.appId)?.runner.runnerId ?? app.externalRunnerId;
  const size = batchSize > 0 ? batchSize : Math.max(1, records.length);
  for (let start = 0; start < records.length; start += size) {
    const batch = records.slice(start, start + size);
    outcomes.push(
      ...(await app.backend.orchestrator.register({ invocations: batch, runnerId, now: Date.now() })),
    );
    const first = batch[0];
    if (batch.length === 1 && first) {
      app.logger.debug(`NEW task:${first.taskId} invocation:${first.invocationId} REGISTERED and ROUTED`);
    } else if (first) {
      app.logger.debug(`NEW task:${first.taskId} invocations:${batch.length} REGISTERED and ROUTED`);
    }
  }
  return outcomes;
}

async function serializeCommon(
  app: AppCore,
  task: TaskDefinition,
  commonArgs: Readonly<Record<string, unknown>>,
): Promise<string> {
  const disable = task.settings().disableCacheArgs;
  try {
    return await app.clientData.serialize(commonArgs, {
      disableCache: disable.includes("*") || disable.includes(COMMON_ARGS_KEY),
      label: `task '${task.taskId}' commonArgs`,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SerializationError(`task '${task.taskId}': commonArgs cannot be serialized: ${reason}`, {
      cause: error,
    });
  }
}

/** The arguments a runner calls the task with: deserialized, with `commonArgs` merged back. */
export function decodeCallArguments(app: AppCore, record: InvocationRecord): unknown[] | Promise<unknown[]> {
  if (!(COMMON_ARGS_KEY in record.args))
    return app.clientData.deserializeArgumentsNow(record.taskId, record.args);
  return decodeWithCommonArgs(app, record);
}

async function decodeWithCommonArgs(app: AppCore, record: InvocationRecord): Promise<unknown[]> {
  const { [COMMON_ARGS_KEY]: common, ...own } = record.args;
  const args = await app.clientData.deserializeArguments(record.taskId, own);
  if (common === undefined) return args;
  let shared: unknown;
  try {
    shared = await app.clientData.deserialize(common);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SerializationError(`task '${record.taskId}': commonArgs cannot be deserialized: ${reason}`, {
      cause: error,
    });
  }
  return [{ ...(shared as Record<string, unknown>), ...(args[0] as Record<string, unknown>) }];
}
