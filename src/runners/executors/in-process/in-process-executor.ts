import type { ClaimedInvocation } from "../../../backends/contract/records.js";
import type { AppCore } from "../../../engine/app-core.js";
import { executeClaimed } from "../../../engine/execute.js";
import { RunnerError } from "../../../errors/errors.js";
import { InvocationStatus } from "../../../status/statuses.js";
import type { RunnerExecutor, RunnerHost } from "../../core/executor.js";
import { rerouteUnstarted } from "../../core/hand-back.js";
import { delay } from "../../core/idle-wait.js";
import { SlotPool } from "../../core/slot-pool.js";
import { Wakeup } from "../../core/wakeup.js";
import { handBackUnknownClaims } from "./claim-reconciler.js";
import { HeldInvocations } from "./held-invocations.js";

/** The reason the loop gives when it stops its idle wait (saves building an AbortError each time). */
const WAIT_OVER = new Error("the runner loop's idle wait is over");
/** Claims a runner has outstanding at once (see `claimSize`). */
const CLAIMS_IN_FLIGHT = 2;

/**
 * Executes up to `concurrency` invocations at once on this process's event loop (AsyncRunner,
 * and each worker of a pool). An invocation that awaits other invocations' results is PAUSED
 * and gives its slot back, so the invocations it waits on can run; it is RESUMED, with
 * priority for the next free slot, once they are final. Up to two claims are in flight.
 */
export class InProcessExecutor implements RunnerExecutor {
  readonly maxParallelSlots: number;
  private readonly app: AppCore;
  private readonly runnerId: string;
  private readonly slots: SlotPool;
  private readonly held: HeldInvocations;
  private readonly wakeup = new Wakeup();
  /** The times of claims that failed (they may have been applied with their reply lost). */
  private uncertainClaims: { from: number; to: number } | null = null;
  /** Most invocations one claim asks for. */
  private readonly claimChunk: number;
  private readonly claimsInFlight = new Set<Promise<void>>();
  /** A claim that failed, reported by the next loop iteration. */
  private claimFailure: { error: unknown } | null = null;
  /** The last claim got fewer than it asked for: wait for work before claiming again. */
  private queueEmpty = false;
  /** No claim got all it asked for since the loop last waited for work: one claim at a time. */
  private probing = true;
  /** The loop is waiting for work from the broker (a freed slot changes nothing for it). */
  private waitingOnBroker = false;

  constructor(
    private readonly host: RunnerHost,
    concurrency: number,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RunnerError(`AsyncRunner: maxConcurrency must be an integer >= 1, got ${concurrency}`);
    }
    this.app = host.app;
    this.runnerId = host.runnerId;
    this.maxParallelSlots = concurrency;
    this.claimChunk = Math.ceil(concurrency / CLAIMS_IN_FLIGHT);
    // A freed slot wakes the loop only when it can claim (or must move to waiting for work).
    this.slots = new SlotPool(concurrency, () => {
      if (this.claimSize() > 0 || (this.queueEmpty && !this.waitingOnBroker)) this.wakeup.wake();
    });
    this.held = new HeldInvocations(this.app, this.runnerId, this.slots);
  }

  /** Ids of the invocations held (running or paused). */
  heldIds(): string[] {
    return this.held.ids();
  }

  childRunnerIds(): string[] {
    return [];
  }

  /** A new run starts with no opinion on the queue and no failure to report. */
  prepare(): void {
    this.queueEmpty = false;
    this.probing = true;
    this.claimFailure = null;
  }

  async start(): Promise<void> {}

  async iteration(): Promise<void> {
    const failed = this.claimFailure;
    if (failed) {
      this.claimFailure = null;
      throw failed.error;
    }
    if (this.uncertainClaims && this.claimsInFlight.size === 0)
      await this.reconcileClaims(this.uncertainClaims);
    for (let max = this.claimSize(); max > 0; max = this.claimSize()) this.startClaim(max);
    if (!this.host.isRunning) return;
    await this.waitForWorkOrSlot(this.queueEmpty && this.claimsInFlight.size === 0 && this.slots.free > 0);
  }

  async waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
  ): Promise<void> {
    const held = runningInvocationId ? this.held.get(runningInvocationId) : undefined;
    if (!runningInvocationId || !held || held.settled) {
      await this.app.finality.waitForFinal(resultInvocationIds);
      return;
    }
    // Listening before the statuses are read: one read (recordWaits' own) is enough.
    const watch = this.app.finality.watch(resultInvocationIds);
    try {
      const statuses = await this.app.backend.orchestrator.recordWaits(
        runningInvocationId,
        resultInvocationIds,
      );
      if (!watch.settle(statuses)) await this.held.waitFor(runningInvocationId, held, watch);
    } finally {
      watch.close();
    }
    if (held.abort.aborted) {
      throw new RunnerError(`invocation ${runningInvocationId} was stopped while it waited for results`);
    }
  }

  settleWaits(invocationId: string): Promise<void> | undefined {
    return this.held.settle(invocationId);
  }

  wake(): void {
    this.wakeup.wake();
  }

  /**
   * Hands every held invocation back (KILLED, then REROUTED) before aborting their signals, so
   * a task that reacts to the abort cannot record an outcome first; claims still in flight and
   * failed claims are settled first.
   */
  async stop(): Promise<void> {
    // Claims still in flight hand their invocations back themselves (the runner is not running).
    await Promise.allSettled([...this.claimsInFlight]);
    // A claim that failed may have taken invocations nobody here received: hand them back now
    // rather than leave them to the recovery of dead runners.
    if (this.uncertainClaims) {
      await this.reconcileClaims(this.uncertainClaims).catch((error: unknown) => {
        this.host.logger.error(`runner:${this.runnerId} could not check its failed claims: ${String(error)}`);
      });
    }
    const ids = this.held.ids();
    this.slots.drainResumers();
    const results = await Promise.allSettled(ids.map((id) => this.host.killAndReroute(id)));
    for (const id of ids) this.held.get(id)?.abort.abort();
    this.held.clear();
    for (const result of results) {
      if (result.status === "rejected")
        this.host.logger.error(`runner:${this.runnerId} hand-back failed: ${String(result.reason)}`);
    }
  }

  async onHeartbeat(): Promise<void> {
    if (this.held.size === 0) return;
    await this.app.backend.orchestrator.renewLeases(
      this.runnerId,
      this.held.ids(),
      this.app.settings.invocationLeaseMs,
      Date.now(),
    );
  }

  async reportChildHeartbeats(): Promise<void> {}

  shutdownDetails(): string[] {
    const paused = this.held.pausedIds();
    const lines = [
      `invocations held: ${this.held.size} (${this.held.size - paused.length} running, ${paused.length} waiting)`,
    ];
    if (paused.length > 0) lines.push(`waiting: ${paused.join(", ")}`);
    return lines;
  }

  /**
   * How many invocations to claim now (0: none). Up to two claims are in flight, each for at
   * most half the slots: while the backend answers one, the invocations of the other run,
   * instead of a lockstep of claim all, run all, write all. A second claim waits until half the
   * slots are free, so slots freed one by one do not make a claim each; and after waiting for
   * work, only once a claim came back full (a single new invocation costs one claim).
   */
  private claimSize(): number {
    // After a failed claim, none until the loop has handed back what it may have taken.
    if (!this.host.isRunning || this.queueEmpty || this.uncertainClaims) return 0;
    const free = this.slots.free;
    const inFlight = this.claimsInFlight.size;
    if (inFlight === 0) return Math.min(free, this.claimChunk);
    if (this.probing) return 0;
    return inFlight < CLAIMS_IN_FLIGHT && free >= this.claimChunk ? this.claimChunk : 0;
  }

  /** Sends a claim for `max` invocations; its reply launches them and wakes the loop. */
  private startClaim(max: number): void {
    this.slots.reserve(max);
    const now = Date.now();
    const claim = this.app.backend.orchestrator
      .claim({ runnerId: this.runnerId, max, leaseMs: this.app.settings.invocationLeaseMs, now, start: true })
      .then(
        async (claimed) => {
          this.slots.unreserve(max - claimed.length);
          if (claimed.length < max) this.queueEmpty = true;
          else this.probing = false;
          if (this.host.isRunning) for (const invocation of claimed) this.launch(invocation);
          else await this.handBackUnstarted(claimed);
        },
        (error: unknown) => {
          this.slots.unreserve(max);
          this.uncertainClaims = { from: this.uncertainClaims?.from ?? now, to: now };
          this.claimFailure ??= { error };
        },
      )
      .finally(() => {
        this.claimsInFlight.delete(claim);
        this.wakeup.wake();
      });
    this.claimsInFlight.add(claim);
  }

  private launch(claimed: ClaimedInvocation): void {
    const id = claimed.record.invocationId;
    const held = this.held.hold(id);
    // The slot frees when the body ends: writing the outcome needs none, and a claim made in the
    // same turn goes to the backend together with that write.
    const bodyEnded = () => this.held.releaseSlot(held);
    void executeClaimed(this.app, claimed, this.host.handle, held.abort, bodyEnded).then(
      (end) => this.held.release(id, held, { keepHeld: end === "unsaved" }),
      () => this.held.release(id, held),
    );
  }

  /** A claim failed, so it may have taken invocations nobody here knows of: hand them back. */
  private async reconcileClaims(claimedAt: { from: number; to: number }): Promise<void> {
    const count = await handBackUnknownClaims(
      this.app,
      this.runnerId,
      claimedAt,
      (id) => this.held.get(id) !== undefined,
      (id, status) =>
        status === InvocationStatus.RUNNING
          ? this.host.killAndReroute(id)
          : rerouteUnstarted(this.app, id, this.runnerId).then(() => {}),
    );
    this.uncertainClaims = null;
    if (count > 0)
      this.host.logger.warn(
        `runner:${this.runnerId} handed back ${count} claimed invocation(s) it never received`,
      );
  }

  /**
   * Claims that arrived after a stop request go back to the queue without running their body:
   * KILLED then REROUTED (they were claimed into RUNNING), or straight REROUTED from PENDING.
   */
  private async handBackUnstarted(claimed: readonly ClaimedInvocation[]): Promise<void> {
    this.slots.unreserve(claimed.length);
    await Promise.allSettled(
      claimed.map((c) =>
        c.status.status === InvocationStatus.RUNNING
          ? this.host.killAndReroute(c.record.invocationId)
          : rerouteUnstarted(this.app, c.record.invocationId, this.runnerId),
      ),
    );
  }

  private async waitForWorkOrSlot(claimsPossible: boolean): Promise<void> {
    const stop = new AbortController();
    // Never sleep past the next round of global services.
    const waitMs = Math.min(this.app.settings.runnerIdlePollMs, this.host.msUntilServicesDue());
    const woken = this.wakeup.wait().then(() => false);
    const idle = claimsPossible
      ? this.app.backend.broker.waitForWork(waitMs, stop.signal).then(() => true)
      : delay(waitMs, stop.signal).then(() => false);
    this.waitingOnBroker = claimsPossible;
    const workMayHaveCome = await Promise.race([woken, idle]);
    this.waitingOnBroker = false;
    stop.abort(WAIT_OVER); // a reason of our own: no DOMException to build on every turn
    this.wakeup.cancel();
    // The broker's wait ended (work, a due entry, or its timeout: a claim will tell). A wake-up
    // of the loop (a freed slot, a settled claim) says nothing about the queue.
    if (workMayHaveCome) {
      this.queueEmpty = false;
      this.probing = true;
    }
  }
}
