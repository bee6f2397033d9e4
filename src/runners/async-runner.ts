import type { ClaimedInvocation } from "../backends/contract/records.js";
import type { AppCore } from "../engine/app-core.js";
import { executeClaimed } from "../engine/execute.js";
import { RunnerError } from "../errors/errors.js";
import { InvocationStatus } from "../status/statuses.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { handBackUnknownClaims } from "./claim-reconciler.js";
import { HeldInvocations } from "./held-invocations.js";
import { SlotPool } from "./slot-pool.js";
import { Wakeup } from "./wakeup.js";

export interface AsyncRunnerOptions extends RunnerOptions {
  /** Invocations executed at once on the event loop (default: config `maxConcurrency`). */
  maxConcurrency?: number;
}

/**
 * The default runner: executes up to `maxConcurrency` invocations at once on the event loop.
 * An invocation that awaits other invocations' results is PAUSED and gives its slot back, so
 * the invocations it waits on can run; it is RESUMED, with priority for the next free slot,
 * once they are final.
 */
/** The reason the loop gives when it stops its idle wait (saves building an AbortError each time). */
const WAIT_OVER = new Error("the runner loop's idle wait is over");
/** Claims a runner has outstanding at once (see `runnerLoopIteration`). */
const CLAIMS_IN_FLIGHT = 2;

export class AsyncRunner extends BaseRunner {
  private readonly concurrency: number;
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

  constructor(app: AppCore, options: AsyncRunnerOptions = {}) {
    super(app, options);
    this.concurrency = options.maxConcurrency ?? app.settings.maxConcurrency;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RunnerError(`AsyncRunner: maxConcurrency must be an integer >= 1, got ${this.concurrency}`);
    }
    this.claimChunk = Math.ceil(this.concurrency / CLAIMS_IN_FLIGHT);
    // A freed slot wakes the loop only when it can claim (or must move to waiting for work).
    this.slots = new SlotPool(this.concurrency, () => {
      if (this.claimSize() > 0 || (this.queueEmpty && !this.waitingOnBroker)) this.wakeup.wake();
    });
    this.held = new HeldInvocations(app, this.runnerId, this.slots);
  }

  get maxParallelSlots(): number {
    return this.concurrency;
  }

  /** Ids of the invocations this runner holds (running or paused). */
  get heldInvocationIds(): string[] {
    return this.held.ids();
  }

  async runnerLoopIteration(): Promise<void> {
    const failed = this.claimFailure;
    if (failed) {
      this.claimFailure = null;
      throw failed.error;
    }
    if (this.uncertainClaims && this.claimsInFlight.size === 0)
      await this.reconcileClaims(this.uncertainClaims);
    for (let max = this.claimSize(); max > 0; max = this.claimSize()) this.startClaim(max);
    if (!this.running) return;
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

  /** The task body of a held invocation ended: detach its open waits and resume it if paused. */
  settleWaits(invocationId: string): Promise<void> | undefined {
    return this.held.settle(invocationId);
  }

  protected override onStopRunnerLoop(): void {
    this.wakeup.wake();
  }

  /** A new run starts with no opinion on the queue and no failure to report. */
  protected override async onStart(): Promise<void> {
    this.queueEmpty = false;
    this.probing = true;
    this.claimFailure = null;
    await super.onStart();
  }

  /**
   * Hands every held invocation back (KILLED, then REROUTED) before aborting their signals, so
   * a task that reacts to the abort cannot record an outcome first; claims still in flight and
   * failed claims are settled first.
   */
  protected override async onStop(): Promise<void> {
    // Claims still in flight hand their invocations back themselves (the runner is not running).
    await Promise.allSettled([...this.claimsInFlight]);
    // A claim that failed may have taken invocations nobody here received: hand them back now
    // rather than leave them to the recovery of dead runners.
    if (this.uncertainClaims) {
      await this.reconcileClaims(this.uncertainClaims).catch((error: unknown) => {
        this.logger.error(`runner:${this.runnerId} could not check its failed claims: ${String(error)}`);
      });
    }
    const ids = this.held.ids();
    this.slots.drainResumers();
    const results = await Promise.allSettled(ids.map((id) => this.killAndReroute(id)));
    for (const id of ids) this.held.get(id)?.abort.abort();
    this.held.clear();
    for (const result of results) {
      if (result.status === "rejected")
        this.logger.error(`runner:${this.runnerId} hand-back failed: ${String(result.reason)}`);
    }
    await super.onStop();
  }

  protected override async onHeartbeat(): Promise<void> {
    if (this.held.size === 0) return;
    await this.app.backend.orchestrator.renewLeases(
      this.runnerId,
      this.held.ids(),
      this.app.settings.invocationLeaseMs,
      Date.now(),
    );
  }

  protected override shutdownDetails(): string[] {
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
    if (!this.running || this.queueEmpty || this.uncertainClaims) return 0;
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
          if (this.running) for (const invocation of claimed) this.launch(invocation);
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
    void executeClaimed(this.app, claimed, this, held.abort, bodyEnded).then(
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
          ? this.killAndReroute(id)
          : this.rerouteUnstarted(id).then(() => {}),
    );
    this.uncertainClaims = null;
    if (count > 0)
      this.logger.warn(
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
          ? this.killAndReroute(c.record.invocationId)
          : this.rerouteUnstarted(c.record.invocationId),
      ),
    );
  }

  /** A PENDING claim of this runner goes back to the queue (REROUTED). */
  private rerouteUnstarted(invocationId: string) {
    return this.app.backend.orchestrator.transition({
      invocationId,
      to: InvocationStatus.REROUTED,
      runnerId: this.runnerId,
      requeue: { delayMs: 0 },
      now: Date.now(),
    });
  }

  private async waitForWorkOrSlot(claimsPossible: boolean): Promise<void> {
    const stop = new AbortController();
    // Never sleep past the next round of global services.
    const waitMs = Math.min(this.app.settings.runnerIdlePollMs, this.msUntilServicesDue());
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

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
