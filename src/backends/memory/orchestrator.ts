import {
  InvocationNotFoundError,
  InvocationStatusRaceConditionError,
  InvocationStatusTransitionError,
} from "../../errors/errors.js";
import { isAvailableForRun, isFinalStatus, STATUS_TABLE } from "../../status/status-table.js";
import { InvocationStatus, type StatusRecord } from "../../status/statuses.js";
import { computeTransition } from "../../status/transition.js";
import type {
  ClaimRequest,
  FinalListener,
  OrchestratorStore,
  RegisterRequest,
  TransitionOutcome,
  TransitionRequest,
} from "../contract/orchestrator.js";
import type {
  ClaimedInvocation,
  InvocationFilter,
  InvocationRecord,
  InvocationSummary,
  OrphanedInvocation,
  RegisterOutcome,
  RunnerHeartbeat,
} from "../contract/records.js";
import { MemoryConcurrency } from "./concurrency.js";
import * as maintenance from "./maintenance.js";
import type { MemoryStore } from "./store.js";

/**
 * The reference orchestrator. Each primitive runs to completion without awaiting, so on the
 * single-threaded event loop it is atomic.
 */
export class MemoryOrchestrator implements OrchestratorStore {
  private readonly concurrency: MemoryConcurrency;

  constructor(private readonly store: MemoryStore) {
    this.concurrency = new MemoryConcurrency(store);
  }

  async register({ invocations, runnerId, now }: RegisterRequest): Promise<RegisterOutcome[]> {
    const s = this.store;
    const seen = new Set<string>();
    for (const inv of invocations) {
      if (seen.has(inv.invocationId)) {
        throw new InvocationStatusTransitionError(
          inv.invocationId,
          InvocationStatus.REGISTERED,
          InvocationStatus.REGISTERED,
          [...STATUS_TABLE.REGISTERED.next],
        );
      }
      seen.add(inv.invocationId);
      const existing = s.statuses.get(inv.invocationId);
      if (existing) {
        throw new InvocationStatusTransitionError(
          inv.invocationId,
          existing.status,
          InvocationStatus.REGISTERED,
          STATUS_TABLE[existing.status].next,
        );
      }
    }
    const outcomes: RegisterOutcome[] = [];
    const isWaiting = (id: string) => {
      const status = s.statuses.get(id);
      return status !== undefined && isAvailableForRun(status.status);
    };
    let stored = 0;
    for (const inv of invocations) {
      const reused = inv.registrationKey
        ? this.concurrency.findWaiting(inv.registrationKey, isWaiting)
        : undefined;
      outcomes.push({ invocationId: inv.invocationId, reusedInvocationId: reused ?? null });
      if (reused !== undefined) continue;
      stored++;
      s.records.set(inv.invocationId, inv);
      s.registrationSeq.set(inv.invocationId, s.nextSeq());
      this.concurrency.indexRegistration(inv);
      s.statuses.set(inv.invocationId, {
        status: InvocationStatus.REGISTERED,
        ownerId: null,
        timestamp: now,
      });
      s.histories.set(inv.invocationId, [{ status: InvocationStatus.REGISTERED, runnerId, timestamp: now }]);
      if (inv.parentInvocationId) {
        const siblings = s.children.get(inv.parentInvocationId);
        if (siblings) siblings.push(inv.invocationId);
        else s.children.set(inv.parentInvocationId, [inv.invocationId]);
      }
      s.queue.push(inv.invocationId, now, now);
    }
    if (stored > 0) s.notifyWork();
    return outcomes;
  }

  async claim({ runnerId, max, leaseMs, now, start = false }: ClaimRequest): Promise<ClaimedInvocation[]> {
    const s = this.store;
    const claimed: ClaimedInvocation[] = [];
    if (max <= 0) return claimed;
    this.recoverExpiredLeases(runnerId, now);
    for (const id of this.waitedOnByPriority()) {
      if (claimed.length >= max) break;
      const entry = this.tryClaim(id, runnerId, leaseMs, now, start);
      if (entry) claimed.push(entry);
    }
    s.queue.promoteDue(now);
    while (claimed.length < max) {
      const id = s.queue.shift();
      if (id === undefined) break;
      const entry = this.tryClaim(id, runnerId, leaseMs, now, start);
      if (entry) claimed.push(entry);
    }
    return claimed;
  }

  async transition(request: TransitionRequest): Promise<TransitionOutcome> {
    const s = this.store;
    const { invocationId: id, now } = request;
    const previous = s.statuses.get(id);
    if (!previous) throw new InvocationNotFoundError(id);
    const { expected } = request;
    if (expected && (expected.status !== previous.status || expected.ownerId !== previous.ownerId)) {
      throw new InvocationStatusRaceConditionError(id, expected, previous);
    }
    const current = computeTransition(id, previous, request.to, request.runnerId, now);
    this.write(id, current, request.runnerId);
    if (request.result !== undefined || request.error !== undefined) {
      s.outcomes.set(id, { result: request.result ?? null, error: request.error ?? null });
    }
    if (request.incrementRetries) s.retries.set(id, (s.retries.get(id) ?? 0) + 1);
    if (request.requeue) {
      const availableAt = now + Math.max(0, request.requeue.delayMs);
      if (availableAt > now) s.notBefore.set(id, availableAt);
      s.queue.push(id, availableAt, now);
      s.notifyWork();
    }
    if (isFinalStatus(current.status)) this.finish(id);
    return { previous, current };
  }

  async getStatuses(invocationIds: readonly string[]): Promise<Map<string, StatusRecord>> {
    const result = new Map<string, StatusRecord>();
    for (const id of invocationIds) {
      const record = this.store.statuses.get(id);
      if (record) result.set(id, record);
    }
    return result;
  }

  async getRetries(invocationId: string): Promise<number> {
    return this.store.retries.get(invocationId) ?? 0;
  }

  async recordWaits(waiterId: string, waitedIds: readonly string[]): Promise<Map<string, InvocationStatus>> {
    const s = this.store;
    const statuses = new Map<string, InvocationStatus>();
    for (const waitedId of waitedIds) {
      const status = s.statuses.get(waitedId);
      if (status) statuses.set(waitedId, status.status);
      if (!status || isFinalStatus(status.status) || waitedId === waiterId) continue;
      addToSetMap(s.waitedBy, waitedId, waiterId);
      addToSetMap(s.waitingOn, waiterId, waitedId);
    }
    return statuses;
  }

  async renewLeases(runnerId: string, invocationIds: readonly string[], leaseMs: number, now: number) {
    const owned: string[] = [];
    for (const id of invocationIds) {
      const status = this.store.statuses.get(id);
      if (!status || status.ownerId !== runnerId) continue;
      if (this.store.leases.has(id)) this.store.leases.set(id, now + leaseMs);
      owned.push(id);
    }
    return owned;
  }

  heartbeat(runners: ReadonlyArray<{ runnerId: string; context: string }>, now: number): Promise<void> {
    return maintenance.heartbeat(this.store, runners, now);
  }

  activeRunners(since: number): Promise<RunnerHeartbeat[]> {
    return maintenance.activeRunners(this.store, since);
  }

  findOrphans(request: { aliveSince: number; now: number; limit: number }): Promise<OrphanedInvocation[]> {
    return maintenance.findOrphans(this.store, request);
  }

  acquireServiceLease(request: {
    service: string;
    runnerId: string;
    ttlMs: number;
    now: number;
  }): Promise<boolean> {
    return maintenance.acquireServiceLease(this.store, request);
  }

  purgeFinalBefore(request: { before: number; limit: number }): Promise<number> {
    return maintenance.purgeFinalBefore(this.store, request);
  }

  listInvocations(filter: InvocationFilter): Promise<InvocationSummary[]> {
    return maintenance.listInvocations(this.store, filter);
  }

  async countByStatus(): Promise<Map<InvocationStatus, number>> {
    const counts = new Map<InvocationStatus, number>();
    for (const { status } of this.store.statuses.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
    return counts;
  }

  onFinal(listener: FinalListener): () => void {
    this.store.finalListeners.add(listener);
    return () => this.store.finalListeners.delete(listener);
  }

  async purge(): Promise<void> {
    this.store.clear();
  }

  /** Ids waited on by other invocations, most waiters first. */
  private waitedOnByPriority(): string[] {
    const s = this.store;
    if (s.waitedBy.size === 0) return [];
    const candidates: Array<[string, number]> = [];
    for (const [id, waiters] of s.waitedBy) {
      const status = s.statuses.get(id);
      if (status && isAvailableForRun(status.status)) candidates.push([id, waiters.size]);
    }
    // Most waiters first; among equals the most recently registered.
    const seq = (id: string) => s.registrationSeq.get(id) ?? 0;
    candidates.sort((a, b) => b[1] - a[1] || seq(b[0]) - seq(a[0]));
    return candidates.map(([id]) => id);
  }

  /** PENDING claims whose lease expired go PENDING_RECOVERY -> REROUTED and back on the queue. */
  private recoverExpiredLeases(runnerId: string, now: number): void {
    const s = this.store;
    for (const [id, leaseUntil] of s.leases) {
      if (leaseUntil > now) continue;
      s.leases.delete(id);
      const status = s.statuses.get(id);
      if (status?.status !== InvocationStatus.PENDING) continue;
      const recovery = computeTransition(id, status, InvocationStatus.PENDING_RECOVERY, runnerId, now);
      this.write(id, recovery, runnerId);
      this.write(id, computeTransition(id, recovery, InvocationStatus.REROUTED, runnerId, now), runnerId);
      s.queue.push(id, now, now);
    }
  }

  private tryClaim(
    id: string,
    runnerId: string,
    leaseMs: number,
    now: number,
    start: boolean,
  ): ClaimedInvocation | null {
    const s = this.store;
    const status = s.statuses.get(id);
    const record = s.records.get(id);
    if (!status || !record || !isAvailableForRun(status.status)) return null;
    if (this.concurrency.isParked(id)) return null;
    const notBefore = s.notBefore.get(id);
    if (notBefore !== undefined) {
      if (notBefore > now) return null;
      s.notBefore.delete(id);
    }
    if (!this.concurrency.tryTakeSlot(record)) {
      this.block(record, status, runnerId, now);
      return null;
    }
    const pending = computeTransition(id, status, InvocationStatus.PENDING, runnerId, now);
    this.write(id, pending, runnerId);
    const numRetries = s.retries.get(id) ?? 0;
    if (start) {
      const running = computeTransition(id, pending, InvocationStatus.RUNNING, runnerId, now);
      this.write(id, running, runnerId);
      return { record, status: running, numRetries, leaseUntil: null };
    }
    const leaseUntil = now + leaseMs;
    s.leases.set(id, leaseUntil);
    return { record, status: pending, numRetries, leaseUntil };
  }

  /** A candidate without a free running slot: parked as REROUTED, or ended as CONCURRENCY_CONTROLLED_FINAL. */
  private block(record: InvocationRecord, status: StatusRecord, runnerId: string, now: number): void {
    const id = record.invocationId;
    if (record.rerouteOnConcurrencyControl === false) {
      this.write(
        id,
        computeTransition(id, status, InvocationStatus.CONCURRENCY_CONTROLLED_FINAL, runnerId, now),
        runnerId,
      );
      this.finish(id);
      return;
    }
    const controlled = computeTransition(id, status, InvocationStatus.CONCURRENCY_CONTROLLED, runnerId, now);
    this.write(id, controlled, runnerId);
    this.write(id, computeTransition(id, controlled, InvocationStatus.REROUTED, runnerId, now), runnerId);
    this.concurrency.park(record);
  }

  private finish(id: string): void {
    this.store.finalAt.set(id, this.store.statuses.get(id)?.timestamp ?? Date.now());
    this.store.dropWaitEdges(id);
    this.concurrency.forgetFinal(id);
    this.store.notifyFinal([id]);
  }

  private write(id: string, record: StatusRecord, runnerId: string | null): void {
    const s = this.store;
    s.statuses.set(id, record);
    if (record.status !== InvocationStatus.PENDING) s.leases.delete(id);
    if (!STATUS_TABLE[record.status].requiresOwnership) {
      const unparked = this.concurrency.releaseSlot(id, (parked) => {
        const status = s.statuses.get(parked);
        return status !== undefined && isAvailableForRun(status.status);
      });
      if (unparked !== undefined) {
        s.queue.push(unparked, record.timestamp, record.timestamp);
        s.notifyWork();
      }
    }
    const history = s.histories.get(id);
    const entry = { status: record.status, runnerId, timestamp: record.timestamp };
    if (history) history.push(entry);
    else s.histories.set(id, [entry]);
  }
}

function addToSetMap(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
