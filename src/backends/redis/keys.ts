import type { InvocationStatus } from "../../status/statuses.js";

/**
 * Key names of one app. Every key starts with `{<prefix>:<appId>}:`: the braces make the whole
 * app one Redis Cluster hash slot (so its Lua scripts may touch any of its keys) and the prefix
 * lets several apps and deployments share a database. The Lua scripts derive the per-invocation
 * keys from the same base with the same suffixes (see scripts/lib/status.lua).
 */
export class RedisKeys {
  /** `{<prefix>:<appId>}:` */
  readonly base: string;
  /** FIFO of claimable invocations: zset scored by a sequence number. */
  readonly queue: string;
  /** Requeued with a delay: zset scored by the time they become claimable. */
  readonly delayed: string;
  /** Queued invocations others wait on: zset scored by their number of waiters. */
  readonly waited: string;
  /** Leases of PENDING claims: zset scored by expiry. */
  readonly leases: string;
  /** Sequence counter of the queue and the registration-key indexes. */
  readonly seq: string;
  readonly runnersFirstSeen: string;
  readonly runnersLastSeen: string;
  readonly runnersHeartbeatContext: string;
  /** Runner contexts stored through the state backend: hash runner id -> context. */
  readonly runnerContexts: string;
  /** Client data store: hash key -> value. */
  readonly clientData: string;
  /** Pub/sub channel: work was queued. */
  readonly workChannel: string;
  /** Pub/sub channel: JSON array of invocation ids that became final. */
  readonly finalChannel: string;

  constructor(prefix: string, appId: string) {
    this.base = `{${prefix}:${appId}}:`;
    this.queue = `${this.base}queue`;
    this.delayed = `${this.base}delayed`;
    this.waited = `${this.base}waited`;
    this.leases = `${this.base}leases`;
    this.seq = `${this.base}seq`;
    this.runnersFirstSeen = `${this.base}runners:first`;
    this.runnersLastSeen = `${this.base}runners:last`;
    this.runnersHeartbeatContext = `${this.base}runners:context`;
    this.runnerContexts = `${this.base}contexts`;
    this.clientData = `${this.base}data`;
    this.workChannel = `${this.base}ch:work`;
    this.finalChannel = `${this.base}ch:final`;
  }

  /** The KEYS of every script that changes statuses (order fixed by scripts/lib/status.lua). */
  get statusScriptKeys(): string[] {
    return [this.queue, this.delayed, this.waited, this.leases, this.seq];
  }

  /** Hash of one invocation: record JSON, status fields, retries, outcome, concurrency fields. */
  invocation(id: string): string {
    return `${this.base}inv:${id}`;
  }

  /** List of history entries, each `[status, timestamp, runnerId]` as JSON. */
  history(id: string): string {
    return `${this.base}hist:${id}`;
  }

  children(parentId: string): string {
    return `${this.base}children:${parentId}`;
  }

  /** Invocations in `status`, scored by the time of their last change. */
  statusIndex(status: InvocationStatus): string {
    return `${this.base}ix:status:${status}`;
  }

  /** Invocations of `taskId`, scored by the time of their last change. */
  taskIndex(taskId: string): string {
    return `${this.base}ix:task:${taskId}`;
  }

  /** Lease of a global service (recovery, retention, ...): hash { runner, until }. */
  serviceLease(service: string): string {
    return `${this.base}service:${service}`;
  }

  /** SCAN pattern matching every key of the app (glob characters of the base escaped). */
  get scanPattern(): string {
    return `${this.base.replace(/[*?[\]\\]/g, "\\$&")}*`;
  }
}
