import { STATUS_TABLE } from "../../status/status-table.js";
import { InvocationStatus as S } from "../../status/statuses.js";
import type {
  InvocationFilter,
  InvocationSummary,
  OrphanedInvocation,
  RunnerHeartbeat,
} from "../contract/records.js";
import type { MemoryStore } from "./store.js";

/** The memory orchestrator's runner, maintenance and monitoring primitives (see OrchestratorStore). */
export async function heartbeat(
  store: MemoryStore,
  runners: ReadonlyArray<{ runnerId: string; context: string }>,
  now: number,
): Promise<void> {
  for (const { runnerId, context } of runners) {
    const existing = store.heartbeats.get(runnerId);
    store.heartbeats.set(runnerId, {
      runnerId,
      context,
      firstSeen: existing?.firstSeen ?? now,
      lastSeen: now,
    });
  }
}

export async function activeRunners(store: MemoryStore, since: number): Promise<RunnerHeartbeat[]> {
  return [...store.heartbeats.values()]
    .filter((hb) => hb.lastSeen >= since)
    .sort((a, b) => a.firstSeen - b.firstSeen);
}

export async function findOrphans(
  store: MemoryStore,
  request: { aliveSince: number; now: number; limit: number },
): Promise<OrphanedInvocation[]> {
  const s = store;
  const orphans: OrphanedInvocation[] = [];
  for (const [invocationId, status] of s.statuses) {
    if (!STATUS_TABLE[status.status].requiresOwnership) continue;
    const beat = status.ownerId ? s.heartbeats.get(status.ownerId) : undefined;
    const ownerGone = !beat || beat.lastSeen < request.aliveSince;
    const lease = s.leases.get(invocationId);
    const leaseExpired = status.status === S.PENDING && lease !== undefined && lease < request.now;
    if (ownerGone || leaseExpired) orphans.push({ invocationId, status });
  }
  orphans.sort((a, b) => a.status.timestamp - b.status.timestamp);
  return orphans.slice(0, request.limit);
}

export async function acquireServiceLease(
  store: MemoryStore,
  request: { service: string; runnerId: string; ttlMs: number; now: number },
) {
  const current = store.serviceLeases.get(request.service);
  if (current && current.runnerId !== request.runnerId && current.until > request.now) return false;
  store.serviceLeases.set(request.service, {
    runnerId: request.runnerId,
    until: request.now + request.ttlMs,
  });
  return true;
}

export async function purgeFinalBefore(
  store: MemoryStore,
  request: { before: number; limit: number },
): Promise<number> {
  const expired: string[] = [];
  for (const [id, at] of store.finalAt) {
    if (expired.length >= request.limit) break;
    if (at < request.before) expired.push(id);
  }
  for (const id of expired) store.deleteInvocation(id);
  return expired.length;
}

export async function listInvocations(
  store: MemoryStore,
  filter: InvocationFilter,
): Promise<InvocationSummary[]> {
  const rows: InvocationSummary[] = [];
  for (const [id, status] of store.statuses) {
    const record = store.records.get(id);
    if (!record) continue;
    if (filter.taskId !== undefined && record.taskId !== filter.taskId) continue;
    if (filter.statuses && !filter.statuses.includes(status.status)) continue;
    if (filter.updatedSince !== undefined && status.timestamp < filter.updatedSince) continue;
    if (filter.updatedUntil !== undefined && status.timestamp > filter.updatedUntil) continue;
    rows.push({
      invocationId: id,
      taskId: record.taskId,
      status: status.status,
      ownerId: status.ownerId,
      updatedAt: status.timestamp,
    });
  }
  rows.sort((a, b) => b.updatedAt - a.updatedAt);
  return rows.slice(filter.offset, filter.offset + filter.limit);
}
