import type { AppCore } from "../../../engine/app-core.js";
import type { FinalWatch } from "../../../engine/finality-watcher.js";
import { InvocationStatus } from "../../../status/statuses.js";
import type { SlotPool } from "../../core/slot-pool.js";
import { LazyAbortController } from "./lazy-abort.js";

/** An invocation a runner owns, from claim until it finishes or is handed back. */
export interface HeldInvocation {
  readonly abort: LazyAbortController;
  /** `waitingForResults` calls in progress; the invocation is PAUSED while above zero. */
  waits: number;
  holdsSlot: boolean;
  /** The task body returned or threw: open waits no longer pause or resume it. */
  settled: boolean;
  /** Serializes this invocation's pause and resume transitions. */
  lock: Promise<void>;
}

/**
 * The invocations one runner holds, with their slots and their pause / resume bookkeeping.
 *
 * An invocation is PAUSED (its slot given back) when its first wait starts, and RESUMED (a
 * slot taken again, ahead of new claims) when its last open wait ends: with
 * `Promise.all([a.result(), b.result()])` it stays paused until both are final, so the
 * invocations it waits on can always get a slot. Code a task runs alongside a still-open wait
 * (`Promise.race`, a fire-and-forget `result()`) runs while the invocation is paused and is not
 * counted against the runner's slots.
 */
export class HeldInvocations {
  private readonly held = new Map<string, HeldInvocation>();

  constructor(
    private readonly app: AppCore,
    private readonly runnerId: string,
    private readonly slots: SlotPool,
  ) {}

  get size(): number {
    return this.held.size;
  }

  ids(): string[] {
    return [...this.held.keys()];
  }

  pausedIds(): string[] {
    return [...this.held.entries()].filter(([, h]) => !h.holdsSlot).map(([id]) => id);
  }

  get(id: string): HeldInvocation | undefined {
    return this.held.get(id);
  }

  /** Starts holding a claimed invocation; its slot was reserved before the claim. */
  hold(id: string): HeldInvocation {
    const held: HeldInvocation = {
      abort: new LazyAbortController(),
      waits: 0,
      holdsSlot: true,
      settled: false,
      lock: Promise.resolve(),
    };
    this.held.set(id, held);
    return held;
  }

  /** The task body ended: its slot goes back (the invocation stays held until its outcome is stored). */
  releaseSlot(held: HeldInvocation): void {
    if (held.holdsSlot) {
      held.holdsSlot = false;
      this.slots.release();
    }
  }

  /**
   * An execution ended: its slot goes back. With `keepHeld` (its outcome could not be stored)
   * the runner keeps owning it, so that stopping hands it back (KILLED -> REROUTED).
   */
  release(id: string, held: HeldInvocation, options: { keepHeld?: boolean } = {}): void {
    if (!options.keepHeld && this.held.get(id) === held) this.held.delete(id);
    this.releaseSlot(held);
  }

  /** Forgets every invocation (after they were handed back on stop). */
  clear(): void {
    this.held.clear();
  }

  /** One wait of a held invocation: pauses it on the first, resumes it after the last. */
  async waitFor(id: string, held: HeldInvocation, watch: FinalWatch): Promise<void> {
    held.waits++;
    try {
      if (held.waits === 1 && !held.settled) await this.serialized(held, () => this.pause(id, held));
      await watch.done(held.abort.signal);
    } finally {
      held.waits--;
      if (held.waits === 0 && !held.settled && !held.abort.aborted) {
        await this.serialized(held, () => this.resume(id, held));
      }
    }
  }

  /**
   * Called when the task body has returned or thrown, before its outcome is written: open
   * waits are detached (they end on their own, without pausing or resuming anything) and a
   * paused invocation is resumed, so its final status can be written from RESUMED.
   */
  settle(id: string): Promise<void> | undefined {
    const held = this.held.get(id);
    if (!held || held.settled) return undefined;
    held.settled = true;
    // Never waited (the common case): nothing to detach or resume.
    if (held.waits === 0 && held.holdsSlot) return undefined;
    return this.serialized(held, async () => {
      if (!held.holdsSlot && !held.abort.aborted) await this.resume(id, held);
    });
  }

  private async pause(id: string, held: HeldInvocation): Promise<void> {
    await this.transition(id, InvocationStatus.PAUSED);
    if (held.holdsSlot) {
      held.holdsSlot = false;
      this.slots.release();
    }
  }

  private async resume(id: string, held: HeldInvocation): Promise<void> {
    if (held.holdsSlot) return;
    await this.slots.takeForResume();
    held.holdsSlot = true;
    await this.transition(id, InvocationStatus.RESUMED);
  }

  private async transition(id: string, to: InvocationStatus): Promise<void> {
    await this.app.backend.orchestrator.transition({
      invocationId: id,
      to,
      runnerId: this.runnerId,
      now: Date.now(),
    });
  }

  private serialized(held: HeldInvocation, step: () => Promise<void>): Promise<void> {
    const next = held.lock.then(step);
    held.lock = next.catch(() => {});
    return next;
  }
}
