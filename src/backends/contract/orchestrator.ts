import type { InvocationStatus, StatusRecord } from "../../status/statuses.js";
import type {
  ClaimedInvocation,
  InvocationFilter,
  InvocationRecord,
  InvocationSummary,
  OrphanedInvocation,
  RegisterOutcome,
  RunnerHeartbeat,
} from "./records.js";

/** Registration of a batch of invocations: one atomic primitive. */
export interface RegisterRequest {
  invocations: InvocationRecord[];
  /** The runner (or external client context) that registers them; stored in history. */
  runnerId: string;
  now: number;
}

export interface ClaimRequest {
  runnerId: string;
  /** At most this many invocations. */
  max: number;
  /** The claim's lease; an expired lease makes the invocation claimable again. */
  leaseMs: number;
  now: number;
  /**
   * Claim straight into RUNNING (history PENDING then RUNNING, one timestamp), for a runner that
   * starts what it claims at once; such claims carry no lease (a RUNNING invocation is recovered
   * through its owner's heartbeat). Without it they are PENDING under the lease until started.
   */
  start?: boolean;
}

/**
 * One status change: a compare-and-set on the full status record, validated with the core's
 * transition algorithm, plus the side effects that must commit with it.
 */
export interface TransitionRequest {
  invocationId: string;
  to: InvocationStatus;
  runnerId: string | null;
  now: number;
  /** When given, the current record must have this status and owner, or the change is refused. */
  expected?: { status: InvocationStatus; ownerId: string | null };
  /** Serialized result, stored with SUCCESS. */
  result?: string;
  /** Serialized error, stored with FAILED and RETRY. */
  error?: string;
  /** Add one to the retry counter (with RETRY). */
  incrementRetries?: boolean;
  /** Put the invocation back on the queue, claimable from `now + delayMs` (REROUTED, RETRY). */
  requeue?: { delayMs: number };
}

export interface TransitionOutcome {
  previous: StatusRecord;
  current: StatusRecord;
}

/** A final status with its stored outcome, as a notification may carry it. */
export interface FinalOutcome {
  status: InvocationStatus;
  result: string | null;
  error: string | null;
}

/**
 * Called with invocations that became final; `outcomes` (optional, per id) carries the final
 * status and stored outcome of some of them (small ones), which spares waiters a read.
 */
export type FinalListener = (
  invocationIds: readonly string[],
  outcomes?: ReadonlyMap<string, FinalOutcome>,
) => void;

/**
 * The orchestrator store: statuses, the queue behind claims, waits between invocations and
 * runner liveness. Every method that changes state is one atomic primitive; the rules it
 * applies (which transitions are valid, who owns what) come from the core
 * (`computeTransition`, `STATUS_TABLE`), never from the backend.
 */
export interface OrchestratorStore {
  /**
   * Stores each invocation record, its REGISTERED status (no owner), its first history entry
   * (REGISTERED, by `runnerId`) and its queue entry, all or nothing: an invocation id that is
   * already stored, or repeated within the batch, fails the whole batch with
   * InvocationStatusTransitionError and stores nothing.
   * A record whose `registrationKey` matches an invocation still waiting to run (stored before,
   * or earlier in the same batch) is not stored: its outcome names the reused invocation. The
   * match and the insert are one atomic step, so racing registrations store one invocation.
   */
  register(request: RegisterRequest): Promise<RegisterOutcome[]>;

  /**
   * Claims up to `max` available invocations for `runnerId`: moves each to PENDING with the
   * runner as owner and a lease (or on to RUNNING, see `start`), appends history, and removes
   * it from the queue, atomically per invocation; two claimers never receive the same
   * invocation. Invocations that other invocations wait on come first, the most-waited-on
   * first and, among equally waited-on ones, the most recently registered first (so a deep
   * call tree is worked depth-first and few waiting invocations pile up); then the queue in
   * FIFO order.
   * Invocations whose lease expired while PENDING are claimable again (through
   * PENDING_RECOVERY and REROUTED, which are recorded in history).
   * Running concurrency: a candidate with a `runningKey` takes one of its key's slots in the
   * same atomic step; with none free it is not returned but moved to CONCURRENCY_CONTROLLED
   * then REROUTED and parked (or CONCURRENCY_CONTROLLED_FINAL, see the record), and the claim
   * goes on with the next candidate.
   */
  claim(request: ClaimRequest): Promise<ClaimedInvocation[]>;

  /**
   * Changes one invocation's status. Throws InvocationNotFoundError,
   * InvocationStatusTransitionError, InvocationStatusOwnershipError or
   * InvocationStatusRaceConditionError, changing nothing. Entering a final status releases the
   * invocation's waiters (its wait edges are removed) and notifies final listeners after the
   * change is committed. Entering a status that releases ownership frees the invocation's
   * running-concurrency slot, and the oldest invocation parked on that key is queued again.
   */
  transition(request: TransitionRequest): Promise<TransitionOutcome>;

  /** Current status records; unknown ids are absent from the map. */
  getStatuses(invocationIds: readonly string[]): Promise<Map<string, StatusRecord>>;

  getRetries(invocationId: string): Promise<number>;

  /**
   * Records that `waiterId` waits for the results of `waitedIds`. Edges to invocations already
   * final are not kept. The number of waiters on an invocation orders claims. Returns the
   * status of each waited id, read in the same atomic step (unknown ids are absent), so the
   * waiter needs no separate read to learn which are final already.
   */
  recordWaits(waiterId: string, waitedIds: readonly string[]): Promise<Map<string, InvocationStatus>>;

  /** Extends the leases of invocations this runner owns. Returns the ids it still owns. */
  renewLeases(
    runnerId: string,
    invocationIds: readonly string[],
    leaseMs: number,
    now: number,
  ): Promise<string[]>;

  /** Records that these runners are alive (upsert of their heartbeat). */
  heartbeat(runners: ReadonlyArray<{ runnerId: string; context: string }>, now: number): Promise<void>;

  /** Runners whose last heartbeat is at or after `since`, oldest first. */
  activeRunners(since: number): Promise<RunnerHeartbeat[]>;

  /**
   * Invocations whose owner is gone: in an owned status (PENDING, RUNNING, PAUSED, RESUMED)
   * with an owner that has no heartbeat at or after `aliveSince` (unknown owners count as
   * gone), or PENDING with a lease that expired before `now`. At most `limit`, oldest change
   * first. The core recovers them with compare-and-set transitions.
   */
  findOrphans(request: { aliveSince: number; now: number; limit: number }): Promise<OrphanedInvocation[]>;

  /**
   * Takes or renews the lease of a global service (recovery, retention, triggers) so that one
   * runner at a time runs it: true when `runnerId` now holds it until `now + ttlMs` (it was
   * free, expired, or already held by `runnerId`). Atomic.
   */
  acquireServiceLease(request: {
    service: string;
    runnerId: string;
    ttlMs: number;
    now: number;
  }): Promise<boolean>;

  /**
   * Deletes invocations that entered a final status before `before`: status, history, record,
   * outcome, retries and index entries. At most `limit`; returns how many were deleted.
   */
  purgeFinalBefore(request: { before: number; limit: number }): Promise<number>;

  /** Invocations of the app, newest change first, optionally filtered. */
  listInvocations(filter: InvocationFilter): Promise<InvocationSummary[]>;

  /**
   * How many invocations of the app are in each status, read from the indexes in one
   * consistent snapshot (statuses with none are absent). Finished invocations count until
   * retention deletes them.
   */
  countByStatus(): Promise<Map<InvocationStatus, number>>;

  /**
   * Calls `listener` with the ids of invocations that became final, after the change is
   * committed, and optionally the final status and outcome of some of them. Backends that cannot push (polling stores) may call it late; waiters re-check
   * statuses on a slow timer as a safety net. Returns an unsubscribe function.
   */
  onFinal(listener: FinalListener): () => void;

  /** Deletes everything this app stored in the orchestrator. */
  purge(): Promise<void>;
}
