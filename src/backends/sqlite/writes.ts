import { isAvailableForRun, isFinalStatus, STATUS_TABLE } from "../../status/status-table.js";
import type { HistoryEntry, InvocationStatus, StatusRecord } from "../../status/statuses.js";
import type { SqliteConnection } from "./connection.js";
import type { MaintenanceStatements } from "./maintenance-statements.js";
import type { AppHub, Effects } from "./notifier.js";
import type { Statements, StatusRow } from "./statements.js";

/** One app's view of a connection: what every primitive works with. */
export interface AppContext {
  readonly conn: SqliteConnection;
  readonly st: Statements;
  readonly maint: MaintenanceStatements;
  readonly appId: string;
  readonly hub: AppHub;
}

/** The stored status string as a status (the column only ever holds statuses). */
export function asStatus(value: string): InvocationStatus {
  return value as InvocationStatus;
}

export function statusRecordOf(row: StatusRow): StatusRecord {
  return { status: asStatus(row.status), ownerId: row.owner_id, timestamp: row.status_ts };
}

/** One history entry as stored: a JSON line, appended to the invocation row. */
export function historyLine(status: InvocationStatus, runnerId: string | null, timestamp: number): string {
  return JSON.stringify([status, runnerId, timestamp]);
}

/** The entries of a stored history, in the order they were written. */
export function parseHistory(text: string): HistoryEntry[] {
  return text.split("\n").map((line) => {
    const [status, runnerId, timestamp] = JSON.parse(line) as [string, string | null, number];
    return { status: asStatus(status), runnerId, timestamp };
  });
}

/** What a status write changes besides status, owner and timestamp. */
export interface WriteExtras {
  /** Lease expiry (kept only while PENDING). */
  leaseUntil?: number | null;
  /** Earliest claim time; undefined keeps the stored one. */
  notBefore?: number | null;
  retriesInc?: number;
  /** Set both outcome columns (to null where undefined). */
  outcome?: { result: string | null; error: string | null };
}

/**
 * Writes a status computed by `computeTransition` inside the caller's transaction: the status
 * row, one history entry, and what entering the status implies — a final status gets a final
 * sequence number and drops its wait edges (both directions); a status that releases
 * ownership frees the running-concurrency slot, which queues the oldest invocation parked on
 * the key. Updates `row` in place so the caller can chain writes.
 */
export function writeStatus(
  ctx: AppContext,
  id: string,
  row: StatusRow,
  next: StatusRecord,
  runnerId: string | null,
  now: number,
  effects: Effects,
  extras: WriteExtras = {},
): void {
  const { st, appId } = ctx;
  const wasAvailable = isAvailableForRun(asStatus(row.status));
  const final = isFinalStatus(next.status);
  const finalSeq = final ? ctx.conn.nextFinalSeq() : null;
  const leaseUntil = next.status === "PENDING" ? (extras.leaseUntil ?? null) : null;
  const notBefore = extras.notBefore === undefined ? row.not_before : extras.notBefore;
  st.updateStatus.run({
    rowId: row.row_id,
    status: next.status,
    owner: next.ownerId,
    ts: next.timestamp,
    lease: leaseUntil,
    notBefore,
    finalSeq,
    retriesInc: extras.retriesInc ?? 0,
    setOutcome: extras.outcome ? 1 : 0,
    result: extras.outcome?.result ?? null,
    error: extras.outcome?.error ?? null,
    entry: `\n${historyLine(next.status, runnerId, next.timestamp)}`,
  });
  row.status = next.status;
  row.owner_id = next.ownerId;
  row.status_ts = next.timestamp;
  row.lease_until = leaseUntil;
  row.not_before = notBefore;
  row.retries += extras.retriesInc ?? 0;
  if (final) {
    if (row.waiters > 0 || row.waiting !== 0) dropWaits(ctx, id);
    row.waiters = 0;
    // Only an invocation waiting to run has queue entries (a claim deletes them).
    if (wasAvailable) st.deleteQueueOf.run(appId, row.row_id);
    if (finalSeq !== null) effects.finals.push({ id, seq: finalSeq });
  }
  if (STATUS_TABLE[next.status].releasesOwnership && row.running_key !== null) {
    releaseSlot(ctx, id, row.running_key, now, effects);
  }
}

/**
 * Removes the wait edges of an invocation that became final, both directions: its waiters no
 * longer count for it (it leaves the waited-on index), and each invocation it waited on has one
 * waiter less.
 */
export function dropWaits(ctx: AppContext, id: string): void {
  const { st, appId } = ctx;
  if (st.deleteWaitsOfWaited.run(appId, id).changes > 0) st.clearWaiters.run(appId, id);
  if (st.releaseWaitedBy.run({ app: appId, waiter: id }).changes > 0) st.deleteWaitsOfWaiter.run(appId, id);
}

/** Pushes a queue entry claimable from `availableAt`. */
export function enqueue(ctx: AppContext, rowId: number, availableAt: number, effects: Effects): void {
  ctx.st.insertQueue.run(ctx.appId, rowId, availableAt);
  effects.work = true;
}

/** Frees the slot `id` holds on `key`, if any, and queues the oldest invocation parked on it. */
function releaseSlot(ctx: AppContext, id: string, key: string, now: number, effects: Effects): void {
  const { st, appId } = ctx;
  if (st.deleteSlot.run(appId, key, id).changes === 0) return;
  for (;;) {
    const parked = st.oldestParked.get(appId, key);
    if (!parked) return;
    st.deleteParkedSeq.run(parked.seq);
    const state = st.statusOf.get(appId, parked.invocation_id);
    if (state !== undefined && isAvailableForRun(asStatus(state.status))) {
      enqueue(ctx, state.row_id, now, effects);
      return;
    }
  }
}
