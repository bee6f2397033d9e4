import { randomUUID } from "node:crypto";
import type { InvocationRecord, RegisterOutcome } from "../backends/contract/records.js";
import { getExecutionContext } from "../context/execution-context.js";
import { SerializationError } from "../errors/errors.js";
import { callIdOf, computeArgsId } from "../identity/args-id.js";
import type { AppCore } from "./app-core.js";
import { concurrencyFields } from "./concurrency-keys.js";
import type { TaskDefinition } from "./task-definition.js";

/**
 * Serializes one call's arguments, keyed by position ("0", "1", ...). A value that cannot be
 * serialized is refused with a SerializationError naming the task and the argument.
 */
export function serializeArguments(
  app: AppCore,
  taskId: string,
  args: readonly unknown[],
): Record<string, string> {
  const serialized: Record<string, string> = {};
  for (const [index, value] of args.entries()) {
    try {
      serialized[String(index)] = app.serializer.serialize(value);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SerializationError(`task '${taskId}': argument ${index} cannot be serialized: ${reason}`, {
        cause: error,
      });
    }
  }
  return serialized;
}

export function deserializeArguments(app: AppCore, record: InvocationRecord): unknown[] {
  const keys = Object.keys(record.args).sort((a, b) => Number(a) - Number(b));
  return keys.map((key) => {
    try {
      return app.serializer.deserialize(record.args[key] ?? "");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SerializationError(
        `task '${record.taskId}': argument ${key} cannot be deserialized: ${reason}`,
        {
          cause: error,
        },
      );
    }
  });
}

/** Builds the records of new invocations of `task`, with parent and workflow from the current context. */
export function buildInvocationRecords(
  app: AppCore,
  task: TaskDefinition,
  argsList: readonly (readonly unknown[])[],
): InvocationRecord[] {
  const context = getExecutionContext(app.appId);
  const parentInvocationId = context?.invocationId ?? null;
  const settings = task.settings();
  const parentWorkflow = settings.forceNewWorkflow ? null : (context?.workflowId ?? null);
  const now = Date.now();
  return argsList.map((args) => {
    const serialized = serializeArguments(app, task.taskId, args);
    const argsId = computeArgsId(serialized);
    const invocationId = randomUUID();
    return {
      ...concurrencyFields(task.taskId, settings, args, serialized, argsId, app.serializer),
      invocationId,
      taskId: task.taskId,
      callId: callIdOf(task.taskId, argsId),
      argsId,
      args: serialized,
      parentInvocationId,
      workflowId: parentWorkflow ?? invocationId,
      createdAt: now,
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
    outcomes.push(...(await app.backend.orchestrator.register({ invocations: batch, runnerId, now: Date.now() })));
    const first = batch[0];
    if (batch.length === 1 && first) {
      app.logger.debug(`NEW task:${first.taskId} invocation:${first.invocationId} REGISTERED and ROUTED`);
    } else if (first) {
      app.logger.debug(`NEW task:${first.taskId} invocations:${batch.length} REGISTERED and ROUTED`);
    }
  }
  return outcomes;
}
