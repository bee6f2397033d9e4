import { InvocationStatusTransitionError } from "../../errors/errors.js";
import { STATUS_TABLE } from "../../status/status-table.js";
import { InvocationStatus } from "../../status/statuses.js";
import type { RegisterRequest } from "../contract/orchestrator.js";
import type { RegisterOutcome } from "../contract/records.js";
import type { Effects } from "./notifier.js";
import { type AppContext, asStatus, enqueue, historyLine } from "./writes.js";

function isUniqueViolation(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

function alreadyStored(id: string, status: InvocationStatus): InvocationStatusTransitionError {
  return new InvocationStatusTransitionError(
    id,
    status,
    InvocationStatus.REGISTERED,
    STATUS_TABLE[status].next,
  );
}

/**
 * Registration of a batch (inside the caller's transaction): for each record, the registration
 * key match (against stored invocations still waiting to run and earlier records of the batch),
 * then the invocation row (record + REGISTERED), its history entry and its queue entry. An id
 * already stored (or twice in the batch) rolls the whole batch back.
 */
export function registerBatch(
  ctx: AppContext,
  request: RegisterRequest,
  effects: Effects,
): RegisterOutcome[] {
  const { invocations, runnerId, now } = request;
  const { st, appId } = ctx;
  const result: RegisterOutcome[] = [];
  const batchKeys = new Map<string, string>();
  for (const record of invocations) {
    const id = record.invocationId;
    const key = record.registrationKey ?? null;
    if (key !== null) {
      const reused = batchKeys.get(key) ?? st.waitingWithKey.get(appId, key);
      if (reused !== undefined) {
        const existing = st.statusOf.get(appId, id);
        if (existing !== undefined) throw alreadyStored(id, asStatus(existing.status));
        result.push({ invocationId: id, reusedInvocationId: reused });
        continue;
      }
    }
    let rowId: number;
    try {
      const inserted = st.insertInvocation.run(
        appId,
        id,
        record.taskId,
        record.parentInvocationId,
        key,
        record.runningKey ?? null,
        record.runningLimit ?? 1,
        record.rerouteOnConcurrencyControl === false ? 0 : 1,
        now,
        historyLine(InvocationStatus.REGISTERED, runnerId, now),
        JSON.stringify(record),
      );
      rowId = Number(inserted.lastInsertRowid);
    } catch (error) {
      const existing = isUniqueViolation(error) ? st.statusOf.get(appId, id) : undefined;
      if (!existing) throw error;
      throw alreadyStored(id, asStatus(existing.status));
    }
    enqueue(ctx, rowId, now, effects);
    if (key !== null) batchKeys.set(key, id);
    result.push({ invocationId: id, reusedInvocationId: null });
  }
  return result;
}
