import { randomUUID } from "node:crypto";
import type { InvocationRecord, RegisterOutcome } from "../backends/contract/records.js";
import { getExecutionContext } from "../context/execution-context.js";
import { callIdOf, computeArgsId } from "../identity/args-id.js";
import type { AppCore } from "./app-core.js";
import { concurrencyFields } from "./concurrency-keys.js";
import type { TaskDefinition } from "./task-definition.js";

/** Builds the records of new invocations of `task`, with parent and workflow from the current context. */
export async function buildInvocationRecords(
  app: AppCore,
  task: TaskDefinition,
  argsList: readonly (readonly unknown[])[],
): Promise<InvocationRecord[]> {
  const context = getExecutionContext(app.appId);
  const parentInvocationId = context?.invocationId ?? null;
  const settings = task.settings();
  const parentWorkflow = settings.forceNewWorkflow ? null : (context?.workflowId ?? null);
  const now = Date.now();
  const serializedList = await Promise.all(
    argsList.map((args) => app.clientData.serializeArguments(task.taskId, args, settings.disableCacheArgs)),
  );
  return argsList.map((args, index) => {
    const serialized = serializedList[index] ?? {};
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
