import { InvocationNotFoundError, InvocationStatusRaceConditionError } from "../../errors/errors.js";
import { computeTransition } from "../../status/transition.js";
import type { TransitionOutcome, TransitionRequest } from "../contract/orchestrator.js";
import { WriteAbort } from "./batcher.js";
import type { Effects } from "./notifier.js";
import { type AppContext, enqueue, statusRecordOf, type WriteExtras, writeStatus } from "./writes.js";

/**
 * One status change (inside the caller's transaction): reads the status row, checks
 * `expected`, validates with the core's `computeTransition` (which throws before anything is
 * written), then writes status, history, outcome, retries, requeue, wait-edge removal and slot
 * release together. It runs without a savepoint: everything that can refuse the change throws
 * before the first write, and a failure while writing aborts the whole group commit.
 */
export function transitionOne(
  ctx: AppContext,
  request: TransitionRequest,
  effects: Effects,
): TransitionOutcome {
  const { invocationId: id, now, runnerId } = request;
  const { st, appId } = ctx;
  const row = st.statusRow.get(appId, id);
  if (!row) throw new InvocationNotFoundError(id);
  const previous = statusRecordOf(row);
  const { expected } = request;
  if (expected && (expected.status !== previous.status || expected.ownerId !== previous.ownerId)) {
    throw new InvocationStatusRaceConditionError(id, expected, previous);
  }
  const current = computeTransition(id, previous, request.to, runnerId, now);
  const extras: WriteExtras = {};
  if (request.result !== undefined || request.error !== undefined) {
    extras.outcome = { result: request.result ?? null, error: request.error ?? null };
  }
  if (request.incrementRetries) extras.retriesInc = 1;
  let availableAt: number | null = null;
  if (request.requeue) {
    availableAt = now + Math.max(0, request.requeue.delayMs);
    extras.notBefore = availableAt > now ? availableAt : null;
  }
  try {
    writeStatus(ctx, id, row, current, runnerId, now, effects, extras);
    if (availableAt !== null) enqueue(ctx, row.row_id, availableAt, effects);
  } catch (error) {
    throw new WriteAbort(error);
  }
  return { previous, current };
}
