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
}

/** An invocation as a runner receives it from a claim. */
export interface ClaimedInvocation {
  record: InvocationRecord;
  status: StatusRecord;
  numRetries: number;
  /** When the claim's lease expires unless renewed (ms since the epoch). */
  leaseUntil: number;
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

export interface InvocationSummary {
  invocationId: string;
  taskId: string;
  status: InvocationStatus;
  ownerId: string | null;
  updatedAt: number;
}

export type { HistoryEntry, StatusRecord };
