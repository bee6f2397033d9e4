import { InvocationStatusOwnershipError, InvocationStatusTransitionError } from "../errors/errors.js";
import { INITIAL_STATUSES, STATUS_TABLE } from "./status-table.js";
import type { InvocationStatus, StatusRecord } from "./statuses.js";

/**
 * The transition algorithm, as in pynenc: check the transition against STATUS_TABLE, then
 * ownership, then compute the new owner. Pure: backends call it inside their atomic primitive.
 */
export function computeTransition(
  invocationId: string,
  current: StatusRecord | null,
  to: InvocationStatus,
  runnerId: string | null,
  now: number,
): StatusRecord {
  const allowed = current ? STATUS_TABLE[current.status].next : INITIAL_STATUSES;
  if (!allowed.includes(to)) {
    throw new InvocationStatusTransitionError(invocationId, current?.status ?? null, to, allowed);
  }
  const target = STATUS_TABLE[to];
  if (current && !target.overridesOwnership) {
    const from = STATUS_TABLE[current.status];
    if (from.requiresOwnership && runnerId !== current.ownerId) {
      throw new InvocationStatusOwnershipError(
        invocationId,
        current.status,
        to,
        current.ownerId,
        runnerId,
        `${current.status} is owned and only its owner may change it`,
      );
    }
    if (target.acquiresOwnership && !runnerId) {
      throw new InvocationStatusOwnershipError(
        invocationId,
        current.status,
        to,
        current.ownerId,
        runnerId,
        `${to} needs a runner id to own the invocation`,
      );
    }
  }
  let ownerId: string | null;
  if (target.releasesOwnership) ownerId = null;
  else if (target.acquiresOwnership) ownerId = runnerId;
  else ownerId = current?.ownerId ?? null;
  return { status: to, ownerId, timestamp: now };
}

/** Returns the first invalid step of a history, or null when the whole path is valid. */
export function findInvalidHistoryStep(
  statuses: readonly InvocationStatus[],
): { index: number; from: InvocationStatus | null; to: InvocationStatus } | null {
  let previous: InvocationStatus | null = null;
  for (const [index, status] of statuses.entries()) {
    const allowed: readonly InvocationStatus[] = previous ? STATUS_TABLE[previous].next : INITIAL_STATUSES;
    if (!allowed.includes(status)) return { index, from: previous, to: status };
    previous = status;
  }
  return null;
}
