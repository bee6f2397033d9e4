import {
  ALL_STATUSES,
  type InvocationStatus,
  isInvocationStatus,
  type StatusRecord,
} from "../../status/statuses.js";
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
  InvocationSummary,
  OrphanedInvocation,
  RegisterOutcome,
  RunnerHeartbeat,
} from "../contract/records.js";
import { claimBatch } from "./claim.js";
import { acquireServiceLease, findOrphans, purgeFinalBefore } from "./maintenance.js";
import type { Effects } from "./notifier.js";
import { registerBatch } from "./register.js";
import type { ListRow } from "./statements.js";
import { transitionOne } from "./transition.js";
import { type AppContext, asStatus } from "./writes.js";

/**
 * The SQLite orchestrator. Every mutation runs whole inside a BEGIN IMMEDIATE transaction of the
 * shared connection (a group commit, see WriteBatcher; better-sqlite3 is synchronous, so a
 * primitive also runs to completion on the event loop); reads run at once on the committed
 * state. The status rules come from the core's `computeTransition`.
 */
export class SqliteOrchestrator implements OrchestratorStore {
  private readonly subscriptions = new Set<() => void>();

  constructor(private readonly ctx: AppContext) {}

  async register(request: RegisterRequest): Promise<RegisterOutcome[]> {
    if (request.invocations.length === 0) return [];
    return this.write((effects) => registerBatch(this.ctx, request, effects));
  }

  async claim(request: ClaimRequest): Promise<ClaimedInvocation[]> {
    if (request.max <= 0) return [];
    // After the batch's status changes, so the slots they free serve this claim.
    return this.ctx.conn.write(this.ctx.hub, (effects) => claimBatch(this.ctx, request, effects), true, true);
  }

  async transition(request: TransitionRequest): Promise<TransitionOutcome> {
    return this.ctx.conn.write(this.ctx.hub, (effects) => transitionOne(this.ctx, request, effects), false);
  }

  getStatuses(invocationIds: readonly string[]): Promise<Map<string, StatusRecord>> {
    return this.ctx.conn.read(() => {
      const result = new Map<string, StatusRecord>();
      if (invocationIds.length === 0) return result;
      const rows = this.ctx.st.statusesOf.all(this.ctx.appId, JSON.stringify(invocationIds));
      for (const row of rows) {
        result.set(row.invocation_id, {
          status: asStatus(row.status),
          ownerId: row.owner_id,
          timestamp: row.status_ts,
        });
      }
      return result;
    });
  }

  getRetries(invocationId: string): Promise<number> {
    return this.ctx.conn.read(() => this.ctx.st.retriesOf.get(this.ctx.appId, invocationId) ?? 0);
  }

  async recordWaits(waiterId: string, waitedIds: readonly string[]): Promise<Map<string, InvocationStatus>> {
    const statuses = new Map<string, InvocationStatus>();
    if (waitedIds.length === 0) return statuses;
    const { st, appId } = this.ctx;
    return this.write(() => {
      let recorded = false;
      for (const waited of waitedIds) {
        const row = st.statusRow.get(appId, waited);
        if (row) statuses.set(waited, asStatus(row.status));
        if (st.insertWait.run({ app: appId, waited, waiter: waiterId }).changes === 0) continue;
        st.addWaiter.run(appId, waited);
        recorded = true;
      }
      if (recorded) st.markWaiting.run(appId, waiterId);
      return statuses;
    });
  }

  async renewLeases(
    runnerId: string,
    invocationIds: readonly string[],
    leaseMs: number,
    now: number,
  ): Promise<string[]> {
    if (invocationIds.length === 0) return [];
    const { st, appId } = this.ctx;
    return this.write(() => {
      const owned: string[] = [];
      for (const id of invocationIds) {
        if (st.ownerOf.get(appId, id) !== runnerId) continue;
        st.renewLease.run(now + leaseMs, appId, id);
        owned.push(id);
      }
      return owned;
    });
  }

  async heartbeat(runners: ReadonlyArray<{ runnerId: string; context: string }>, now: number): Promise<void> {
    if (runners.length === 0) return;
    const { st, appId } = this.ctx;
    return this.write(() => {
      for (const { runnerId, context } of runners)
        st.heartbeat.run({ app: appId, runner: runnerId, context, now });
    });
  }

  activeRunners(since: number): Promise<RunnerHeartbeat[]> {
    return this.ctx.conn.read(() => {
      return this.ctx.st.activeRunners.all(this.ctx.appId, since).map((row) => ({
        runnerId: row.runner_id,
        context: row.context,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      }));
    });
  }

  findOrphans(request: { aliveSince: number; now: number; limit: number }): Promise<OrphanedInvocation[]> {
    return this.ctx.conn.read(() => findOrphans(this.ctx, request));
  }

  acquireServiceLease(request: { service: string; runnerId: string; ttlMs: number; now: number }) {
    return this.write(() => acquireServiceLease(this.ctx, request));
  }

  purgeFinalBefore(request: { before: number; limit: number }): Promise<number> {
    return this.write(() => purgeFinalBefore(this.ctx, request));
  }

  countByStatus(): Promise<Map<InvocationStatus, number>> {
    return this.ctx.conn.read(() => {
      const counts = new Map<InvocationStatus, number>();
      for (const row of this.ctx.st.countByStatus.all(this.ctx.appId)) {
        if (isInvocationStatus(row.status) && row.n > 0) counts.set(row.status, row.n);
      }
      return counts;
    });
  }

  /**
   * Newest change first (ties in registration order): the newest `offset + limit` rows of each
   * requested status, read along the (app, status, timestamp) index, merged.
   */
  listInvocations(filter: InvocationFilter): Promise<InvocationSummary[]> {
    return this.ctx.conn.read(() => {
      const offset = Math.max(0, filter.offset);
      if (filter.limit <= 0) return [];
      const { st, appId } = this.ctx;
      const task = filter.taskId ?? null;
      const rows: ListRow[] = [];
      for (const status of new Set(filter.statuses ?? ALL_STATUSES)) {
        rows.push(
          ...st.listByStatus.all({
            app: appId,
            status,
            task,
            since: filter.updatedSince ?? Number.MIN_SAFE_INTEGER,
            until: filter.updatedUntil ?? Number.MAX_SAFE_INTEGER,
            limit: offset + filter.limit,
          }),
        );
      }
      rows.sort((a, b) => b.status_ts - a.status_ts || a.row_id - b.row_id);
      return rows.slice(offset, offset + filter.limit).map((row) => ({
        invocationId: row.invocation_id,
        taskId: row.task_id,
        status: asStatus(row.status),
        ownerId: row.owner_id,
        updatedAt: row.status_ts,
      }));
    });
  }

  onFinal(listener: FinalListener): () => void {
    const remove = this.ctx.hub.addFinalListener(listener);
    const unsubscribe = () => {
      this.subscriptions.delete(unsubscribe);
      remove();
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  purge(): Promise<void> {
    return this.ctx.conn.purge(this.ctx.appId, "orchestrator");
  }

  private write<T>(run: (effects: Effects) => T): Promise<T> {
    return this.ctx.conn.write(this.ctx.hub, run);
  }

  /** Drops the listeners subscribed through this backend (it is closing). */
  close(): void {
    for (const unsubscribe of [...this.subscriptions]) unsubscribe();
  }
}
