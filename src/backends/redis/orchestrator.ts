import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { StateBackendError } from "../../errors/errors.js";
import { ALL_STATUSES, InvocationStatus, type StatusRecord } from "../../status/statuses.js";
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
import { ScriptBatcher } from "./batcher.js";
import type { RedisKeys } from "./keys.js";
import { RedisMaintenance } from "./maintenance.js";
import type { RedisNotifier } from "./notifier.js";
import { deleteAppKeys } from "./purge.js";
import type { QueueAfterClaim, QueueMemo } from "./queue-memo.js";
import {
  asArray,
  asStatus,
  asStrings,
  duplicateRegistration,
  statusRecord,
  transitionOutcome,
  unexpectedReply,
} from "./replies.js";
import type { RedisScripts, ScriptName } from "./scripts.js";

/** One entry of the `ops` script: a claim or a transition. */
type Op = { c: Record<string, unknown> } | { t: Record<string, unknown> };

/**
 * The orchestrator on Redis. Every primitive that touches more than one key is one Lua script
 * (scripts/*.lua), so it is atomic; the status rules come from the core (rules.ts).
 */
export class RedisOrchestrator implements OrchestratorStore {
  private readonly maintenance: RedisMaintenance;
  /**
   * Claims and transitions of this process, group-committed: one script call per turn of the
   * event loop (status changes first, so slots they free serve the claims of the same turn).
   */
  private readonly ops = new ScriptBatcher<Op, unknown>(
    async (ops) => {
      const arg = JSON.stringify({ base: this.keys.base, ...requestIdentity(), ops });
      return notLate(asArray(await this.run("ops", this.keys.statusScriptKeys, arg), "ops"), "ops");
    },
    (op) => ("t" in op ? 0 : 1),
    (op) => "c" in op,
  );

  constructor(
    private readonly client: Redis,
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
    private readonly notifier: RedisNotifier,
    private readonly queueMemo: QueueMemo,
  ) {
    this.maintenance = new RedisMaintenance(scripts, keys);
  }

  async register({ invocations, runnerId, now }: RegisterRequest): Promise<RegisterOutcome[]> {
    if (invocations.length === 0) return [];
    const invs = invocations.map((inv) => ({
      id: inv.invocationId,
      task: inv.taskId,
      parent: inv.parentInvocationId,
      rec: JSON.stringify(inv),
      rgk: inv.registrationKey || null,
      run: inv.runningKey || null,
      lim: inv.runningLimit ?? 1,
      rr: inv.rerouteOnConcurrencyControl !== false,
    }));
    const arg = JSON.stringify({ base: this.keys.base, ...requestIdentity(), runner: runnerId, now, invs });
    const reply = asStrings(
      notLate(await this.run("register", this.keys.statusScriptKeys, arg), "register"),
      "register",
    );
    if (reply[0] === "dup") throw duplicateRegistration(reply[1] ?? "", reply[2]);
    if (reply[0] !== "ok" || reply.length !== invocations.length + 1)
      throw unexpectedReply("register", reply);
    return invocations.map((inv, i) => ({
      invocationId: inv.invocationId,
      reusedInvocationId: reply[i + 1] || null,
    }));
  }

  async claim({ runnerId, max, leaseMs, now, start = false }: ClaimRequest): Promise<ClaimedInvocation[]> {
    if (max <= 0) return [];
    const mark = this.queueMemo.mark();
    const reply = asStrings(
      opReply(await this.ops.submit({ c: { runner: runnerId, max, lease: leaseMs, now, start } }), "claim"),
      "claim",
    );
    // { ready left, next due or '', record_1, retries_1, ... } (lib/claim.lua)
    this.queueMemo.record(mark, queueAfterClaim(reply[0], reply[1]));
    const claimed: ClaimedInvocation[] = [];
    const status: StatusRecord = {
      status: start ? InvocationStatus.RUNNING : InvocationStatus.PENDING,
      ownerId: runnerId,
      timestamp: now,
    };
    for (let i = 2; i + 1 < reply.length; i += 2) {
      const record = reply[i];
      if (typeof record !== "string") throw unexpectedReply("claim", reply);
      claimed.push({
        record: JSON.parse(record) as InvocationRecord,
        status: { ...status },
        numRetries: Number(reply[i + 1] ?? 0),
        leaseUntil: start ? null : now + leaseMs,
      });
    }
    return claimed;
  }

  async transition(request: TransitionRequest): Promise<TransitionOutcome> {
    checkNumbers(request);
    const fields: Record<string, unknown> = {
      id: request.invocationId,
      to: request.to,
      runner: request.runnerId,
      now: request.now,
    };
    if (request.expected) fields.exp = { st: request.expected.status, ow: request.expected.ownerId };
    if (request.result !== undefined) fields.result = request.result;
    if (request.error !== undefined) fields.error = request.error;
    if (request.incrementRetries) fields.inc = true;
    if (request.requeue) fields.delay = request.requeue.delayMs;
    return transitionOutcome(request, opReply(await this.ops.submit({ t: fields }), "transition"));
  }

  async getStatuses(invocationIds: readonly string[]): Promise<Map<string, StatusRecord>> {
    const result = new Map<string, StatusRecord>();
    if (invocationIds.length === 0) return result;
    const keys = invocationIds.map((id) => this.keys.invocation(id));
    const reply = asArray(await this.run("getStatuses", keys), "getStatuses");
    for (const [i, id] of invocationIds.entries()) {
      const [status, owner, timestamp] = asStrings(reply[i], "getStatuses");
      if (status) result.set(id, statusRecord(status, owner, timestamp, "getStatuses"));
    }
    return result;
  }

  async getRetries(invocationId: string): Promise<number> {
    return Number((await this.client.hget(this.keys.invocation(invocationId), "rt")) ?? 0);
  }

  async recordWaits(waiterId: string, waitedIds: readonly string[]): Promise<Map<string, InvocationStatus>> {
    const statuses = new Map<string, InvocationStatus>();
    if (waitedIds.length === 0) return statuses;
    const arg = JSON.stringify({ base: this.keys.base, waiter: waiterId, waited: waitedIds });
    const reply = asStrings(await this.run("recordWaits", this.keys.statusScriptKeys, arg), "recordWaits");
    for (let i = 0; i + 1 < reply.length; i += 2) {
      statuses.set(reply[i] ?? "", asStatus(reply[i + 1], "recordWaits"));
    }
    return statuses;
  }

  async renewLeases(
    runnerId: string,
    invocationIds: readonly string[],
    leaseMs: number,
    now: number,
  ): Promise<string[]> {
    if (invocationIds.length === 0) return [];
    const arg = JSON.stringify({
      base: this.keys.base,
      runner: runnerId,
      ids: invocationIds,
      lease: leaseMs,
      now,
    });
    const reply = asStrings(await this.run("renewLeases", [this.keys.leases], arg), "renewLeases");
    return reply.filter((id): id is string => id !== null);
  }

  async heartbeat(runners: ReadonlyArray<{ runnerId: string; context: string }>, now: number): Promise<void> {
    if (runners.length === 0) return;
    const arg = JSON.stringify({
      base: this.keys.base,
      now,
      runners: runners.map(({ runnerId, context }) => ({ id: runnerId, context })),
    });
    await this.run("heartbeat", this.runnerKeys(), arg);
  }

  async activeRunners(since: number): Promise<RunnerHeartbeat[]> {
    const arg = JSON.stringify({ base: this.keys.base, since });
    const reply = asStrings(await this.run("activeRunners", this.runnerKeys(), arg), "activeRunners");
    const runners: RunnerHeartbeat[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      runners.push({
        runnerId: reply[i] ?? "",
        context: reply[i + 1] ?? "",
        firstSeen: Number(reply[i + 2]),
        lastSeen: Number(reply[i + 3]),
      });
    }
    return runners.sort((a, b) => a.firstSeen - b.firstSeen || (a.runnerId < b.runnerId ? -1 : 1));
  }

  findOrphans(request: { aliveSince: number; now: number; limit: number }): Promise<OrphanedInvocation[]> {
    return this.maintenance.findOrphans(request);
  }

  acquireServiceLease(request: { service: string; runnerId: string; ttlMs: number; now: number }) {
    return this.maintenance.acquireServiceLease(request);
  }

  purgeFinalBefore(request: { before: number; limit: number }): Promise<number> {
    return this.maintenance.purgeFinalBefore(request);
  }

  async listInvocations(filter: InvocationFilter): Promise<InvocationSummary[]> {
    const statuses = filter.statuses ? [...new Set(filter.statuses)] : ALL_STATUSES;
    if (statuses.length === 0 || filter.limit <= 0) return [];
    const statusKeys = statuses.map((status) => this.keys.statusIndex(status));
    const { taskId } = filter;
    const both = taskId !== undefined && filter.statuses !== undefined;
    let keys = statusKeys;
    if (taskId !== undefined)
      keys = both ? [this.keys.taskIndex(taskId), ...statusKeys] : [this.keys.taskIndex(taskId)];
    const arg = JSON.stringify({
      base: this.keys.base,
      limit: Math.floor(filter.limit),
      offset: Math.max(0, Math.floor(filter.offset)),
      both,
      wanted: `|${statuses.join("|")}|`,
      oldest: filter.updatedSince === undefined ? "-inf" : String(filter.updatedSince),
      newest: filter.updatedUntil === undefined ? "+inf" : String(filter.updatedUntil),
    });
    const reply = asStrings(await this.run("listInvocations", keys, arg), "listInvocations");
    const rows: InvocationSummary[] = [];
    for (let i = 0; i + 4 < reply.length; i += 5) {
      rows.push({
        invocationId: reply[i] ?? "",
        taskId: reply[i + 1] ?? "",
        status: asStatus(reply[i + 2], "listInvocations"),
        ownerId: reply[i + 3] || null,
        updatedAt: Number(reply[i + 4]),
      });
    }
    return rows;
  }

  async countByStatus(): Promise<Map<InvocationStatus, number>> {
    const keys = ALL_STATUSES.map((status) => this.keys.statusIndex(status));
    const reply = asArray(await this.run("countStatuses", keys), "countByStatus");
    const counts = new Map<InvocationStatus, number>();
    ALL_STATUSES.forEach((status, i) => {
      const count = Number(reply[i] ?? 0);
      if (count > 0) counts.set(status, count);
    });
    return counts;
  }

  onFinal(listener: FinalListener): () => void {
    return this.notifier.onFinal(listener);
  }

  async purge(): Promise<void> {
    await deleteAppKeys(this.client, this.keys);
  }

  private runnerKeys(): string[] {
    return [this.keys.runnersFirstSeen, this.keys.runnersLastSeen, this.keys.runnersHeartbeatContext];
  }

  /**
   * Runs a script once a subscription being set up in this process is active, so a change
   * made after `onFinal` (or a status read made right after subscribing) is never missed.
   */
  private async run(name: ScriptName, keys: readonly string[], arg?: string): Promise<unknown> {
    const pending = this.notifier.settled();
    if (pending) await pending;
    return this.scripts.run(name, keys, arg);
  }
}

/** How long after it is sent a writing call may still be applied (see lib/common.lua). */
const SEND_DEADLINE_MS = 30_000;

/**
 * A writing call's identity: a fresh request id, so a resend is answered from the first run's
 * record, and a deadline after which a (late) resend is refused unapplied.
 */
function requestIdentity(): { rq: string; deadline: number } {
  return { rq: randomUUID(), deadline: Date.now() + SEND_DEADLINE_MS };
}

/** The reply, unless the call reached Redis after its deadline (then nothing was applied). */
function notLate(reply: unknown, what: string): unknown[] {
  const items = asArray(reply, what);
  if (items.length === 1 && items[0] === "late") {
    throw new StateBackendError(
      `redis: ${what} reached the server ${SEND_DEADLINE_MS} ms after it was sent (a resend after a reconnect); it was not applied`,
    );
  }
  return items;
}

/** One op's reply, or the error the script reported for it (that op changed nothing). */
function opReply(reply: unknown, what: string): unknown {
  if (Array.isArray(reply) && reply[0] === "error") {
    throw new StateBackendError(`redis: ${what} failed in the script: ${String(reply[1])}`);
  }
  return reply;
}

/** Times and delays must be finite numbers: JSON would turn the others into null. */
function checkNumbers(request: TransitionRequest): void {
  const delay = request.requeue?.delayMs;
  if (!Number.isFinite(request.now) || (delay !== undefined && !Number.isFinite(delay))) {
    throw new StateBackendError(
      `redis: transition of ${request.invocationId} to ${request.to}: now (${request.now}) and the requeue delay (${delay}) must be finite numbers`,
    );
  }
}

/** The queue as a claim left it (its reply's first two fields); undefined when not reported. */
function queueAfterClaim(
  ready: string | null | undefined,
  nextDue: string | null | undefined,
): QueueAfterClaim | undefined {
  if (ready === null || ready === undefined || ready === "") return undefined;
  return { ready: Number(ready), nextDueAt: nextDue ? Number(nextDue) : null };
}
