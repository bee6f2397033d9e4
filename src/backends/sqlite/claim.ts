import { isAvailableForRun } from "../../status/status-table.js";
import { InvocationStatus } from "../../status/statuses.js";
import { computeTransition } from "../../status/transition.js";
import type { ClaimRequest } from "../contract/orchestrator.js";
import type { ClaimedInvocation, InvocationRecord } from "../contract/records.js";
import type { Effects } from "./notifier.js";
import type { ClaimRow } from "./statements.js";
import { type AppContext, asStatus, enqueue, historyLine, statusRecordOf, writeStatus } from "./writes.js";

const S = InvocationStatus;

/**
 * The claim (inside the caller's transaction): recovers expired PENDING leases (PENDING_RECOVERY
 * then REROUTED, queued again), then takes invocations others wait on (most waiters first, only
 * with a due queue entry), then the due queue in (available_at, seq) order. Each taken
 * invocation moves to PENDING with the runner as owner and a lease, and leaves the queue.
 */
export function claimBatch(ctx: AppContext, request: ClaimRequest, effects: Effects): ClaimedInvocation[] {
  const out: ClaimedInvocation[] = [];
  if (request.max <= 0) return out;
  recoverExpiredLeases(ctx, request, effects);
  claimWaitedOn(ctx, request, effects, out);
  claimFromQueue(ctx, request, effects, out);
  return out;
}

/** PENDING claims whose lease expired go PENDING_RECOVERY -> REROUTED and back on the queue. */
function recoverExpiredLeases(ctx: AppContext, request: ClaimRequest, effects: Effects): void {
  const { st, appId } = ctx;
  const { runnerId, now } = request;
  for (const id of st.expiredLeases.all(appId, now)) {
    const row = st.statusRow.get(appId, id);
    if (!row || row.status !== S.PENDING) continue;
    const recovery = computeTransition(id, statusRecordOf(row), S.PENDING_RECOVERY, runnerId, now);
    writeStatus(ctx, id, row, recovery, runnerId, now, effects);
    const rerouted = computeTransition(id, recovery, S.REROUTED, runnerId, now);
    writeStatus(ctx, id, row, rerouted, runnerId, now, effects);
    enqueue(ctx, row.row_id, now, effects);
  }
}

/** Invocations others wait on, most waiters first; each candidate is tried once. */
function claimWaitedOn(ctx: AppContext, request: ClaimRequest, effects: Effects, out: ClaimedInvocation[]) {
  const { st, appId } = ctx;
  const { max, now } = request;
  const tried = new Set<number>();
  while (out.length < max) {
    const fresh = st.waitedOn
      .all({ app: appId, now, max: max - out.length + tried.size })
      .filter((rowId) => !tried.has(rowId));
    if (fresh.length === 0) return;
    for (const rowId of fresh) {
      tried.add(rowId);
      const row = st.claimRow.get(rowId);
      const entry = row && isClaimable(ctx, row, now) ? claimOne(ctx, row, request, effects) : null;
      if (entry) out.push(entry);
      if (out.length >= max) return;
    }
  }
}

/**
 * The due queue in order, a chunk at a time: rows read in one statement, and the plain ones (no
 * running key) moved to PENDING and removed from the queue in one statement each per chunk.
 * Stale entries (no longer available, delayed, parked, twice queued) are dropped.
 */
function claimFromQueue(ctx: AppContext, request: ClaimRequest, effects: Effects, out: ClaimedInvocation[]) {
  const { st, appId } = ctx;
  const { max, now, runnerId } = request;
  const leaseUntil = request.start ? null : now + request.leaseMs;
  const to = request.start ? S.RUNNING : S.PENDING;
  while (out.length < max) {
    const due = st.dueQueue.all(appId, now, max - out.length);
    if (due.length === 0) return;
    const rows = new Map(
      st.claimRows.all(JSON.stringify(due.map((d) => d.row_id))).map((r) => [r.row_id, r]),
    );
    const taken: number[] = [];
    const stale: number[] = [];
    for (const { seq, row_id: rowId } of due) {
      const row = rows.get(rowId);
      if (!row || !isClaimable(ctx, row, now)) {
        stale.push(seq);
      } else if (row.running_key !== null) {
        const entry = claimOne(ctx, row, request, effects);
        if (entry) out.push(entry);
      } else {
        let status = computeTransition(row.invocation_id, statusRecordOf(row), S.PENDING, runnerId, now);
        if (request.start) status = computeTransition(row.invocation_id, status, S.RUNNING, runnerId, now);
        row.status = to;
        taken.push(rowId);
        out.push({ record: parseRecord(row), status, numRetries: row.retries, leaseUntil });
      }
    }
    if (taken.length > 0) {
      const json = JSON.stringify(taken);
      let entry = `\n${historyLine(S.PENDING, runnerId, now)}`;
      if (request.start) entry += `\n${historyLine(S.RUNNING, runnerId, now)}`;
      st.claimPending.run({ rows: json, status: to, owner: runnerId, ts: now, lease: leaseUntil, entry });
      st.deleteQueueRows.run({ app: appId, rows: json });
    }
    if (stale.length > 0) st.deleteQueueSeqs.run(JSON.stringify(stale));
  }
}

/** Of this app, waiting to run, due, and not parked. */
function isClaimable(ctx: AppContext, row: ClaimRow, now: number): boolean {
  if (row.app_id !== ctx.appId || !isAvailableForRun(asStatus(row.status))) return false;
  if (row.not_before !== null && row.not_before > now) return false;
  return row.running_key === null || ctx.st.isParked.get(ctx.appId, row.invocation_id) === undefined;
}

/**
 * Moves one claimable invocation to PENDING for the runner, taking a slot of its running key.
 * Without a free slot it is moved CONCURRENCY_CONTROLLED -> REROUTED and parked (or
 * CONCURRENCY_CONTROLLED_FINAL), and null is returned. Either way it leaves the queue.
 */
function claimOne(
  ctx: AppContext,
  row: ClaimRow,
  request: ClaimRequest,
  effects: Effects,
): ClaimedInvocation | null {
  const { runnerId, now, leaseMs } = request;
  const id = row.invocation_id;
  ctx.st.deleteQueueOf.run(ctx.appId, row.row_id);
  if (row.running_key !== null && !takeSlot(ctx, row, row.running_key, request, effects)) return null;
  const pending = computeTransition(id, statusRecordOf(row), S.PENDING, runnerId, now);
  const leaseUntil = now + leaseMs;
  writeStatus(ctx, id, row, pending, runnerId, now, effects, { leaseUntil, notBefore: null });
  if (!request.start)
    return { record: parseRecord(row), status: pending, numRetries: row.retries, leaseUntil };
  const running = computeTransition(id, pending, S.RUNNING, runnerId, now);
  writeStatus(ctx, id, row, running, runnerId, now, effects);
  return { record: parseRecord(row), status: running, numRetries: row.retries, leaseUntil: null };
}

/** Takes a slot of `key`, or blocks the invocation when none is free. */
function takeSlot(ctx: AppContext, row: ClaimRow, key: string, request: ClaimRequest, effects: Effects) {
  const { st, appId } = ctx;
  const { runnerId, now } = request;
  const id = row.invocation_id;
  if ((st.countSlots.get(appId, key) ?? 0) < row.running_limit) {
    st.insertSlot.run(appId, key, id);
    return true;
  }
  const current = statusRecordOf(row);
  if (row.reroute === 0) {
    const blocked = computeTransition(id, current, S.CONCURRENCY_CONTROLLED_FINAL, runnerId, now);
    writeStatus(ctx, id, row, blocked, runnerId, now, effects);
    return false;
  }
  const controlled = computeTransition(id, current, S.CONCURRENCY_CONTROLLED, runnerId, now);
  writeStatus(ctx, id, row, controlled, runnerId, now, effects);
  const rerouted = computeTransition(id, controlled, S.REROUTED, runnerId, now);
  writeStatus(ctx, id, row, rerouted, runnerId, now, effects);
  st.insertParked.run(appId, key, id);
  return false;
}

function parseRecord(row: ClaimRow): InvocationRecord {
  return JSON.parse(row.record) as InvocationRecord;
}
