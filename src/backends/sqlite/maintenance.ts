import { FINAL_STATUSES } from "../../status/status-table.js";
import type { OrphanedInvocation } from "../contract/records.js";
import { type AppContext, asStatus, dropWaits } from "./writes.js";

/** Owned invocations whose owner stopped heartbeating, or PENDING ones whose lease expired. */
export function findOrphans(
  ctx: AppContext,
  request: { aliveSince: number; now: number; limit: number },
): OrphanedInvocation[] {
  if (request.limit <= 0) return [];
  return ctx.maint.orphans.all({ app: ctx.appId, ...request }).map((row) => ({
    invocationId: row.invocation_id,
    status: { status: asStatus(row.status), ownerId: row.owner_id, timestamp: row.status_ts },
  }));
}

/** One conditional upsert: taken when free, expired or already held by the runner. */
export function acquireServiceLease(
  ctx: AppContext,
  request: { service: string; runnerId: string; ttlMs: number; now: number },
): boolean {
  const { service, runnerId, ttlMs, now } = request;
  const until = now + ttlMs;
  return ctx.maint.serviceLease.run({ app: ctx.appId, service, runner: runnerId, until, now }).changes > 0;
}

/**
 * Deletes up to `limit` invocations that became final before `before`, oldest first: their
 * row (status, history, record, outcome, retries) and what still refers to them.
 */
export function purgeFinalBefore(ctx: AppContext, request: { before: number; limit: number }): number {
  const { st, maint, appId } = ctx;
  const { before, limit } = request;
  if (limit <= 0) return 0;
  const rows = FINAL_STATUSES.flatMap((status) =>
    maint.finalBefore.all({ app: appId, status, before, limit }),
  );
  rows.sort((a, b) => a.status_ts - b.status_ts || a.row_id - b.row_id);
  const expired = rows.slice(0, limit);
  for (const row of expired) {
    maint.deleteRow.run(row.row_id);
    st.deleteQueueOf.run(appId, row.row_id);
    dropWaits(ctx, row.invocation_id);
    maint.deleteParkedOf.run(appId, row.invocation_id);
  }
  return expired.length;
}
