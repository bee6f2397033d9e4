import type { ClaimedInvocation } from "../backends/contract/records.js";
import type { AppCore } from "../engine/app-core.js";
import { executeClaimed } from "../engine/execute.js";
import { RunnerError } from "../errors/errors.js";
import { isFinalStatus } from "../status/status-table.js";
import { InvocationStatus } from "../status/statuses.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { SlotPool } from "./slot-pool.js";
import { Wakeup } from "./wakeup.js";

export interface AsyncRunnerOptions extends RunnerOptions {
  /** Invocations executed at once on the event loop (default: config `maxConcurrency`). */
  maxConcurrency?: number;
}

/** An invocation this runner owns, from claim until it finishes or is handed back. */
interface HeldInvocation {
  readonly abort: AbortController;
  /** Concurrent `waitingForResults` calls in progress; PAUSED while above zero. */
  waits: number;
  holdsSlot: boolean;
  /** Serializes this invocation's pause and resume transitions. */
  lock: Promise<void>;
}

/**
 * The default runner: executes up to `maxConcurrency` invocations at once on the event loop.
 * An invocation that awaits other invocations' results is PAUSED and gives its slot back, so
 * the invocations it waits on can run; it is RESUMED, with priority for the next free slot,
 * once they are final.
 */
export class AsyncRunner extends BaseRunner {
  private readonly concurrency: number;
  private readonly slots: SlotPool;
  private readonly held = new Map<string, HeldInvocation>();
  private readonly wakeup = new Wakeup();

  constructor(app: AppCore, options: AsyncRunnerOptions = {}) {
    super(app, options);
    this.concurrency = options.maxConcurrency ?? app.settings.maxConcurrency;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RunnerError(`AsyncRunner: maxConcurrency must be an integer >= 1, got ${this.concurrency}`);
    }
    this.slots = new SlotPool(this.concurrency, () => this.wakeup.wake());
  }

  get maxParallelSlots(): number {
    return this.concurrency;
  }

  /** Ids of the invocations this runner holds (running or paused). */
  get heldInvocationIds(): string[] {
    return [...this.held.keys()];
  }

  async runnerLoopIteration(): Promise<void> {
    const free = this.slots.freeForClaims;
    let claimed: ClaimedInvocation[] = [];
    if (free > 0 && this.running) {
      claimed = await this.app.backend.orchestrator.claim({
        runnerId: this.runnerId,
        max: free,
        leaseMs: this.app.settings.invocationLeaseMs,
        now: Date.now(),
      });
      for (const invocation of claimed) this.launch(invocation);
    }
    if (!this.running || (free > 0 && claimed.length === free)) return;
    await this.waitForWorkOrSlot(free > 0);
  }

  async waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
  ): Promise<void> {
    const held = runningInvocationId ? this.held.get(runningInvocationId) : undefined;
    if (!runningInvocationId || !held) {
      await this.app.finality.waitForFinal(resultInvocationIds);
      return;
    }
    const orchestrator = this.app.backend.orchestrator;
    await orchestrator.recordWaits(runningInvocationId, resultInvocationIds);
    const statuses = await orchestrator.getStatuses(resultInvocationIds);
    const allFinal = resultInvocationIds.every((id) => {
      const status = statuses.get(id);
      return status !== undefined && isFinalStatus(status.status);
    });
    if (allFinal) return;
    held.waits++;
    if (held.waits === 1) await this.serialized(held, () => this.pause(runningInvocationId, held));
    try {
      await this.app.finality.waitForFinal(resultInvocationIds, held.abort.signal);
    } finally {
      held.waits--;
      if (held.waits === 0 && !held.abort.signal.aborted) {
        await this.serialized(held, () => this.resume(runningInvocationId, held));
      }
    }
    if (held.abort.signal.aborted) {
      throw new RunnerError(`invocation ${runningInvocationId} was stopped while it waited for results`);
    }
  }

  protected override onStopRunnerLoop(): void {
    this.wakeup.wake();
  }

  protected override async onStop(): Promise<void> {
    const ids = [...this.held.keys()];
    for (const held of this.held.values()) held.abort.abort();
    this.slots.drainResumers();
    await Promise.all(ids.map((id) => this.killAndReroute(id)));
    this.held.clear();
    await super.onStop();
  }

  protected override async onHeartbeat(): Promise<void> {
    if (this.held.size === 0) return;
    await this.app.backend.orchestrator.renewLeases(
      this.runnerId,
      [...this.held.keys()],
      this.app.settings.invocationLeaseMs,
      Date.now(),
    );
  }

  protected override shutdownDetails(): string[] {
    const paused = [...this.held.entries()].filter(([, h]) => !h.holdsSlot).map(([id]) => id);
    const lines = [
      `invocations held: ${this.held.size} (${this.held.size - paused.length} running, ${paused.length} waiting)`,
    ];
    if (paused.length > 0) lines.push(`waiting: ${paused.join(", ")}`);
    return lines;
  }

  private launch(claimed: ClaimedInvocation): void {
    const id = claimed.record.invocationId;
    const held: HeldInvocation = {
      abort: new AbortController(),
      waits: 0,
      holdsSlot: true,
      lock: Promise.resolve(),
    };
    this.slots.take();
    this.held.set(id, held);
    void executeClaimed(this.app, claimed, this, held.abort.signal).finally(() => {
      if (this.held.get(id) === held) this.held.delete(id);
      if (held.holdsSlot) {
        held.holdsSlot = false;
        this.slots.release();
      }
    });
  }

  private async pause(id: string, held: HeldInvocation): Promise<void> {
    await this.app.backend.orchestrator.transition({
      invocationId: id,
      to: InvocationStatus.PAUSED,
      runnerId: this.runnerId,
      now: Date.now(),
    });
    if (held.holdsSlot) {
      held.holdsSlot = false;
      this.slots.release();
    }
  }

  private async resume(id: string, held: HeldInvocation): Promise<void> {
    await this.slots.takeForResume();
    held.holdsSlot = true;
    await this.app.backend.orchestrator.transition({
      invocationId: id,
      to: InvocationStatus.RESUMED,
      runnerId: this.runnerId,
      now: Date.now(),
    });
  }

  private serialized(held: HeldInvocation, step: () => Promise<void>): Promise<void> {
    const next = held.lock.then(step);
    held.lock = next.catch(() => {});
    return next;
  }

  private async waitForWorkOrSlot(claimsPossible: boolean): Promise<void> {
    const stop = new AbortController();
    // Never sleep past the next round of global services.
    const waitMs = Math.min(this.app.settings.runnerIdlePollMs, this.msUntilServicesDue());
    const waits: Promise<void>[] = [this.wakeup.wait()];
    if (claimsPossible) waits.push(this.app.backend.broker.waitForWork(waitMs, stop.signal));
    else waits.push(delay(waitMs, stop.signal));
    await Promise.race(waits);
    stop.abort();
    this.wakeup.cancel();
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
