import type { InvocationRecord } from "../backends/contract/records.js";
import type { AppCore } from "../engine/app-core.js";
import { describeArgumentDiff } from "../engine/argument-diff.js";
import {
  InvocationConcurrencyWithDifferentArgumentsError,
  InvocationNotFoundError,
} from "../errors/errors.js";
import { DistributedInvocation } from "./distributed-invocation.js";

/**
 * The handle returned when registration concurrency matched a waiting invocation: the reused
 * invocation, with the new call's arguments exposed when they differ (its own arguments are
 * not executed). With `raiseOnDiff`, differing arguments throw instead.
 */
export async function reusedInvocation<R>(
  app: AppCore,
  requested: InvocationRecord,
  reusedId: string,
  requestedArgs: readonly unknown[],
  raiseOnDiff: boolean,
): Promise<DistributedInvocation<R>> {
  const existing = await app.backend.stateBackend.getInvocation(reusedId);
  if (!existing) throw new InvocationNotFoundError(reusedId);
  const differs = existing.callId !== requested.callId;
  if (differs && raiseOnDiff) {
    throw new InvocationConcurrencyWithDifferentArgumentsError(
      requested.taskId,
      reusedId,
      requested.callId,
      describeArgumentDiff(requested.taskId, existing.args, requested.args, app.serializer),
    );
  }
  return new DistributedInvocation<R>(app, reusedId, existing.taskId, existing.callId, {
    differingArguments: differs ? [...requestedArgs] : null,
  });
}
