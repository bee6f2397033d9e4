import {
  InvocationNotFoundError,
  InvocationStatusOwnershipError,
  InvocationStatusRaceConditionError,
  InvocationStatusTransitionError,
  StateBackendError,
} from "../../errors/errors.js";
import { STATUS_TABLE } from "../../status/status-table.js";
import {
  type HistoryEntry,
  type InvocationStatus,
  isInvocationStatus,
  type StatusRecord,
} from "../../status/statuses.js";
import { computeTransition } from "../../status/transition.js";
import type { TransitionOutcome, TransitionRequest } from "../contract/orchestrator.js";
import { INITIAL_STATUS } from "./rules.js";

/** Replies of the scripts, checked and turned into the contract's values and typed errors. */

export function unexpectedReply(what: string, reply: unknown): StateBackendError {
  return new StateBackendError(`redis: unexpected reply to ${what}: ${JSON.stringify(reply)}`);
}

export function asArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw unexpectedReply(what, reply);
  return reply;
}

/** An array reply whose items are all strings (nil items become null). */
export function asStrings(reply: unknown, what: string): Array<string | null> {
  return asArray(reply, what).map((item) => {
    if (item === null || typeof item === "string") return item;
    if (typeof item === "number") return String(item);
    throw unexpectedReply(what, reply);
  });
}

export function asStatus(value: unknown, what: string): InvocationStatus {
  if (!isInvocationStatus(value)) throw unexpectedReply(what, value);
  return value;
}

/** A stored status record: owner '' means none. */
export function statusRecord(
  status: unknown,
  owner: unknown,
  timestamp: unknown,
  what: string,
): StatusRecord {
  return {
    status: asStatus(status, what),
    ownerId: typeof owner === "string" && owner !== "" ? owner : null,
    timestamp: Number(timestamp),
  };
}

/** A history entry stored as the JSON array `[status, timestamp, runnerId]`. */
export function historyEntry(json: string): HistoryEntry {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw unexpectedReply("getHistory", json);
  const [status, timestamp, runnerId] = parsed as unknown[];
  return {
    status: asStatus(status, "getHistory"),
    runnerId: typeof runnerId === "string" ? runnerId : null,
    timestamp: Number(timestamp),
  };
}

/** The error a refused registration raises: the id exists (in `status`). */
export function duplicateRegistration(invocationId: string, status: unknown): Error {
  const from = asStatus(status, "register");
  return new InvocationStatusTransitionError(invocationId, from, INITIAL_STATUS, STATUS_TABLE[from].next);
}

/**
 * The outcome of the transition script. A refusal is turned into its typed error by the core's
 * own `computeTransition` on the record the script compared, so messages and fields are the
 * core's; a script and core that disagree fail loudly instead of passing silently.
 */
export function transitionOutcome(request: TransitionRequest, reply: unknown): TransitionOutcome {
  const [kind, status, owner, timestamp, newOwner] = asStrings(reply, "transition");
  const id = request.invocationId;
  if (kind === "notfound") throw new InvocationNotFoundError(id);
  const stored = statusRecord(status, owner, timestamp, "transition");
  if (kind === "ok") {
    return {
      previous: stored,
      current: { status: request.to, ownerId: newOwner ? newOwner : null, timestamp: request.now },
    };
  }
  if (kind === "race") {
    const expected = request.expected ?? { status: stored.status, ownerId: stored.ownerId };
    throw new InvocationStatusRaceConditionError(id, expected, stored);
  }
  if (kind !== "transition" && kind !== "ownership") throw unexpectedReply("transition", reply);
  let error: unknown = null;
  try {
    computeTransition(id, stored, request.to, request.runnerId, request.now);
  } catch (refusal) {
    error = refusal;
  }
  const errorClass = kind === "transition" ? InvocationStatusTransitionError : InvocationStatusOwnershipError;
  if (error instanceof errorClass) throw error;
  throw new StateBackendError(
    `redis: the transition script refused ${stored.status} -> ${request.to} of ${id} (${kind}) ` +
      `but the core's computeTransition ${error ? `refuses it otherwise: ${String(error)}` : "allows it"}`,
  );
}
