/** The 14 invocation statuses. A const object and a string union of the same names. */
export const InvocationStatus = {
  REGISTERED: "REGISTERED",
  PENDING: "PENDING",
  RUNNING: "RUNNING",
  PAUSED: "PAUSED",
  RESUMED: "RESUMED",
  KILLED: "KILLED",
  RETRY: "RETRY",
  SUCCESS: "SUCCESS",
  FAILED: "FAILED",
  REROUTED: "REROUTED",
  CONCURRENCY_CONTROLLED: "CONCURRENCY_CONTROLLED",
  CONCURRENCY_CONTROLLED_FINAL: "CONCURRENCY_CONTROLLED_FINAL",
  PENDING_RECOVERY: "PENDING_RECOVERY",
  RUNNING_RECOVERY: "RUNNING_RECOVERY",
} as const;

export type InvocationStatus = (typeof InvocationStatus)[keyof typeof InvocationStatus];

export const ALL_STATUSES: readonly InvocationStatus[] = Object.values(InvocationStatus);

export function isInvocationStatus(value: unknown): value is InvocationStatus {
  return typeof value === "string" && (ALL_STATUSES as readonly string[]).includes(value);
}

/** The status record of an invocation: what the compare-and-set of every transition compares. */
export interface StatusRecord {
  status: InvocationStatus;
  /** The runner that owns the invocation (set while PENDING, RUNNING, PAUSED, RESUMED). */
  ownerId: string | null;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** One entry of an invocation's history: the status it entered, who moved it there, and when. */
export interface HistoryEntry {
  status: InvocationStatus;
  runnerId: string | null;
  timestamp: number;
}
