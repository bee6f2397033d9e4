import type { HistoryEntry, InvocationStatus, StatusRecord } from "../../status/statuses.js";

/** What is stored of an invocation when it is registered. Immutable afterwards. */
export interface InvocationRecord {
  invocationId: string;
  taskId: string;
  /** `taskId:argsId` */
  callId: string;
  argsId: string;
  /** Argument name (or positional index) -> serialized value, in call order. */
  args: Record<string, string>;
  /** The invocation that was executing when this one was created, if any. */
  parentInvocationId: string | null;
  /** The workflow this invocation belongs to (its own id when it starts one). */
  workflowId: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /**
   * Registration concurrency (computed by the core from the task's mode and arguments): a new
   * invocation whose key matches one still waiting to run (an available status: REGISTERED,
   * REROUTED, RETRY) is not stored; the waiting one is reused. Absent or null: disabled.
   */
  registrationKey?: string | null;
  /**
   * Running concurrency: at most `runningLimit` invocations with this key hold a slot at once.
   * An invocation holds its slot while its status is owned (PENDING, RUNNING, PAUSED, RESUMED):
   * the claim takes it, any transition into a status that releases ownership frees it.
   * Absent or null: disabled.
   */
  runningKey?: string | null;
  /** Slots of `runningKey` (default 1). */
  runningLimit?: number;
  /**
   * What a claim does with an invocation whose `runningKey` has no free slot: true (default)
   * moves it CONCURRENCY_CONTROLLED -> REROUTED and parks it until a slot of its key frees,
   * then queues it again; false ends it as CONCURRENCY_CONTROLLED_FINAL.
   */
  rerouteOnConcurrencyControl?: boolean;
}

/** What registration did with one requested invocation, in request order. */
export interface RegisterOutcome {
  invocationId: string;
  /** The waiting invocation reused instead (registration concurrency), or null when stored. */
  reusedInvocationId: string | null;
}

/** An invocation as a runner receives it from a claim. */
export interface ClaimedInvocation {
  record: InvocationRecord;
  status: StatusRecord;
  numRetries: number;
  /** When the claim's lease expires unless renewed (ms since the epoch); null when claimed into RUNNING. */
  leaseUntil: number | null;
}

/** The stored outcome of a finished (or retried) invocation: serialized value or error. */
export interface StoredOutcome {
  result: string | null;
  error: string | null;
}

export interface RunnerHeartbeat {
  runnerId: string;
  /** The runner's context as JSON (class, parent, host, pid). */
  context: string;
  firstSeen: number;
  lastSeen: number;
}

/** An invocation found by `findOrphans`, with the status record to compare against. */
export interface OrphanedInvocation {
  invocationId: string;
  status: StatusRecord;
}

export interface InvocationSummary {
  invocationId: string;
  taskId: string;
  status: InvocationStatus;
  ownerId: string | null;
  updatedAt: number;
}

export type { HistoryEntry, StatusRecord };

/** What `listInvocations` selects; rows come newest change first, then `offset` and `limit` apply. */
export interface InvocationFilter {
  taskId?: string;
  statuses?: readonly InvocationStatus[];
  /** Only invocations whose last change is at or after this time (ms since the epoch). */
  updatedSince?: number;
  /** Only invocations whose last change is at or before this time (ms since the epoch). */
  updatedUntil?: number;
  limit: number;
  offset: number;
}
