import { ALL_STATUSES, InvocationStatus } from "./statuses.js";

/**
 * One row of the status machine. The table below is the single source of truth: the
 * transition algorithm, the backends, the renderer and the history checker all read it.
 */
export interface StatusDefinition {
  readonly description: string;
  /** No transition leaves a final status. */
  readonly final: boolean;
  /** A runner may claim an invocation in this status (move it to PENDING). */
  readonly availableForRun: boolean;
  /** Only the owning runner may move the invocation out of this status. */
  readonly requiresOwnership: boolean;
  /** Entering this status makes the runner that moved it the owner. */
  readonly acquiresOwnership: boolean;
  /** Entering this status clears the owner. */
  readonly releasesOwnership: boolean;
  /** Entering this status is allowed whoever owns the invocation (recovery of dead runners). */
  readonly overridesOwnership: boolean;
  /** Allowed next statuses. */
  readonly next: readonly InvocationStatus[];
}

const S = InvocationStatus;

/** Statuses an invocation may enter when it does not exist yet. */
export const INITIAL_STATUSES: readonly InvocationStatus[] = [S.REGISTERED];

function row(
  description: string,
  flags: Partial<Omit<StatusDefinition, "description" | "next">>,
  next: InvocationStatus[],
): StatusDefinition {
  return {
    description,
    final: false,
    availableForRun: false,
    requiresOwnership: false,
    acquiresOwnership: false,
    releasesOwnership: false,
    overridesOwnership: false,
    ...flags,
    next,
  };
}

/**
 * pynenc's status table with five added transitions, each closing a hole that
 * strands or crashes work in pynenc:
 * - RETRY may go to CONCURRENCY_CONTROLLED(_FINAL) and REROUTED to CONCURRENCY_CONTROLLED_FINAL,
 *   so a blocked retry or reroute never raises an invalid-transition error in a runner;
 * - PAUSED and RESUMED may go to RUNNING_RECOVERY, so the work of a dead runner that was
 *   waiting on sub-results is recovered like running work.
 */
export const STATUS_TABLE: Readonly<Record<InvocationStatus, StatusDefinition>> = {
  REGISTERED: row(
    "Stored and queued; waiting for a runner.",
    { availableForRun: true, releasesOwnership: true },
    [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL],
  ),
  CONCURRENCY_CONTROLLED: row(
    "Blocked by running concurrency; about to be rerouted.",
    { releasesOwnership: true },
    [S.REROUTED],
  ),
  CONCURRENCY_CONTROLLED_FINAL: row(
    "Blocked by running concurrency and not rerouted; never runs.",
    { final: true, releasesOwnership: true },
    [],
  ),
  REROUTED: row(
    "Queued again after a kill, a recovery or a concurrency block.",
    { availableForRun: true, releasesOwnership: true },
    [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL],
  ),
  PENDING: row(
    "Claimed by a runner, under a lease; not started yet.",
    { requiresOwnership: true, acquiresOwnership: true },
    [S.RUNNING, S.KILLED, S.REROUTED, S.PENDING_RECOVERY],
  ),
  PENDING_RECOVERY: row(
    "A claim whose runner died or whose lease expired; about to be rerouted.",
    { releasesOwnership: true, overridesOwnership: true },
    [S.REROUTED],
  ),
  RUNNING: row("Executing on its owner.", { requiresOwnership: true }, [
    S.PAUSED,
    S.KILLED,
    S.RETRY,
    S.SUCCESS,
    S.FAILED,
    S.RUNNING_RECOVERY,
  ]),
  RUNNING_RECOVERY: row(
    "Its owner stopped heartbeating; about to be rerouted.",
    { releasesOwnership: true, overridesOwnership: true },
    [S.REROUTED],
  ),
  PAUSED: row(
    "Waiting for the results of other invocations; its slot is free.",
    { requiresOwnership: true },
    [S.RESUMED, S.KILLED, S.RUNNING_RECOVERY],
  ),
  RESUMED: row("The results it waited for are final; executing again.", { requiresOwnership: true }, [
    S.PAUSED,
    S.KILLED,
    S.RETRY,
    S.SUCCESS,
    S.FAILED,
    S.RUNNING_RECOVERY,
  ]),
  KILLED: row("Stopped with its runner; about to be rerouted.", { releasesOwnership: true }, [S.REROUTED]),
  RETRY: row(
    "Failed with a retriable error; queued to run again.",
    { availableForRun: true, releasesOwnership: true },
    [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL],
  ),
  SUCCESS: row("Finished with a result.", { final: true, releasesOwnership: true }, []),
  FAILED: row("Finished with an error.", { final: true, releasesOwnership: true }, []),
};

/** Checks the table's invariants; throws on the first violation. Runs at module load. */
export function validateStatusTable(table: Readonly<Record<string, StatusDefinition>>): void {
  for (const status of ALL_STATUSES) {
    if (!table[status]) throw new Error(`status table: ${status} is not defined`);
  }
  for (const [status, def] of Object.entries(table)) {
    if (!(ALL_STATUSES as readonly string[]).includes(status)) {
      throw new Error(`status table: unknown status ${status}`);
    }
    if (def.acquiresOwnership && def.releasesOwnership) {
      throw new Error(`status table: ${status} both acquires and releases ownership`);
    }
    if (def.final && def.next.length > 0) throw new Error(`status table: final ${status} has transitions`);
    if (def.overridesOwnership && def.requiresOwnership) {
      throw new Error(`status table: ${status} both overrides and requires ownership`);
    }
    if (def.final && def.availableForRun) throw new Error(`status table: final ${status} is available`);
    for (const target of def.next) {
      if (!table[target]) throw new Error(`status table: ${status} -> unknown ${target}`);
    }
  }
}

validateStatusTable(STATUS_TABLE);

export const FINAL_STATUSES: readonly InvocationStatus[] = ALL_STATUSES.filter((s) => STATUS_TABLE[s].final);
export const AVAILABLE_STATUSES: readonly InvocationStatus[] = ALL_STATUSES.filter(
  (s) => STATUS_TABLE[s].availableForRun,
);

export function isFinalStatus(status: InvocationStatus): boolean {
  return STATUS_TABLE[status].final;
}

export function isAvailableForRun(status: InvocationStatus): boolean {
  return STATUS_TABLE[status].availableForRun;
}
