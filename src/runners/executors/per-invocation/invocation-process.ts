import type { AppCore } from "../../../engine/app-core.js";
import type { FinalWatch } from "../../../engine/finality-watcher.js";
import { InvocationNotFoundError } from "../../../errors/errors.js";
import { InvocationStatus } from "../../../status/statuses.js";
import type { SlotPool } from "../../core/slot-pool.js";
import type { RunnerContext } from "../../runner-context.js";
import type { InvocationProcessLink } from "../../supervisor/launchers.js";

/**
 * The parent's record of one ProcessRunner child. starting: loading the app; ready: waiting
 * for an invocation (a warm spare); executing: running (or paused in) its invocation; done:
 * the invocation is final and the child is closing.
 */
export class InvocationProcess {
  phase: "starting" | "ready" | "executing" | "done" = "starting";
  invocationId: string | null = null;
  /** Whether it counts against `maxRunningProcesses` (executing and not paused). */
  holdsSlot = false;
  /** Waiting requests in progress; PAUSED (and SIGSTOPped) while above zero. */
  waits = 0;
  paused = false;
  /** The task body ended: open waits no longer pause or resume it. */
  settled = false;
  /** Why it could not start, when it said so. */
  failure: string | undefined;
  /** It said it stops itself (`paused`) and has not said it runs again (`running`). */
  stoppedItself = false;
  /** Aborted when the child exits or is killed: ends its waits. */
  readonly gone = new AbortController();
  private unanswered: number[] = [];
  private lock: Promise<void> = Promise.resolve();
  private readonly ackWaiters: Array<{ type: "paused" | "running"; resolve: () => void }> = [];

  constructor(
    readonly context: RunnerContext,
    readonly link: InvocationProcessLink,
  ) {}

  get runnerId(): string {
    return this.context.runnerId;
  }

  /** Runs pause and resume steps one after the other. */
  serialized(step: () => Promise<void>): Promise<void> {
    const next = this.lock.then(step);
    this.lock = next.catch(() => {});
    return next;
  }

  /** Answers a waiting request now, or once the child is resumed when it is paused. */
  answer(requestId: number): void {
    if (this.paused) this.unanswered.push(requestId);
    else this.link.send({ type: "continue", requestId });
  }

  /** The child acknowledged a pause (`paused`) or runs again (`running`). */
  noteAck(type: "paused" | "running"): void {
    this.stoppedItself = type === "paused";
    for (const waiter of this.ackWaiters.filter((w) => w.type === type)) {
      this.ackWaiters.splice(this.ackWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Resolves on the next `type` acknowledgement, when the child is gone, or after `timeoutMs` if given. */
  nextAck(type: "paused" | "running", timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.gone.signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      this.gone.signal.addEventListener("abort", done, { once: true });
      this.ackWaiters.push({ type, resolve: done });
    });
  }

  /** Answers the requests held back while paused. */
  answerHeldBack(): void {
    for (const requestId of this.unanswered.splice(0)) this.link.send({ type: "continue", requestId });
  }
}

/** What the parent lends the pause control. */
export interface PauseHost {
  readonly app: AppCore;
  readonly slots: SlotPool;
}

/**
 * A child's task awaits `ids`: record the waits, and unless they are final already, pause the
 * child (PAUSED with the child's runner id, SIGSTOP, slot freed) until they are, then resume
 * it (a slot first, RESUMED with the child's id, SIGCONT) and answer. Concurrent requests of
 * one child keep it paused until the last is satisfied. A status change refused (the
 * invocation was taken over) ends the child: its work belongs to someone else now.
 */
export async function handleWaiting(
  host: PauseHost,
  child: InvocationProcess,
  requestId: number,
  ids: readonly string[],
): Promise<void> {
  const invocationId = child.invocationId;
  const orchestrator = host.app.backend.orchestrator;
  if (!invocationId) return child.answer(requestId);
  // Listening before the statuses are read: one read (recordWaits' own) is enough.
  // The child reads the results itself: nothing to keep here.
  const watch = host.app.finality.watch(ids, "all", false);
  try {
    let allFinal: boolean;
    try {
      allFinal = watch.settle(await orchestrator.recordWaits(invocationId, ids));
    } catch (error) {
      if (!(error instanceof InvocationNotFoundError)) throw error;
      allFinal = true; // an unknown id: the child's own result() reports it
    }
    if (allFinal) return child.answer(requestId);
    await waitPaused(host, child, requestId, invocationId, watch);
  } finally {
    watch.close();
  }
}

async function waitPaused(
  host: PauseHost,
  child: InvocationProcess,
  requestId: number,
  invocationId: string,
  watch: FinalWatch,
): Promise<void> {
  child.waits++;
  try {
    if (child.waits === 1 && !child.settled) await child.serialized(() => pause(host, child, invocationId));
    await watch.done(child.gone.signal);
  } finally {
    child.waits--;
    child.answer(requestId);
    if (child.waits === 0 && !child.settled && !child.gone.signal.aborted) {
      await child.serialized(() => resume(host, child, invocationId));
    }
  }
}

/**
 * The child's task body ended (its outcome is about to be written) while waits may still be
 * open (`Promise.race`, a result() not awaited): those no longer pause it, and a paused child
 * is resumed first so its final status is written from RESUMED.
 */
export async function handleSettle(
  host: PauseHost,
  child: InvocationProcess,
  requestId: number,
): Promise<void> {
  const invocationId = child.invocationId;
  child.settled = true;
  if (invocationId) await child.serialized(() => resume(host, child, invocationId));
  child.answer(requestId);
}

/** How often SIGCONT is sent again until a resumed child says it runs. */
const CONTINUE_RETRY_MS = 50;

/**
 * PAUSED with the child's runner id, then the child is asked to stop: it stops itself
 * (SIGSTOP) at a safe point, between two turns of its event loop, so it never freezes in the
 * middle of a backend write holding a lock. Its slot is freed once it acknowledged (a child
 * busy in synchronous code keeps its slot until then: it is using the CPU).
 */
async function pause(host: PauseHost, child: InvocationProcess, invocationId: string): Promise<void> {
  if (child.paused || child.gone.signal.aborted) return;
  await host.app.backend.orchestrator.transition({
    invocationId,
    to: InvocationStatus.PAUSED,
    runnerId: child.runnerId,
    now: Date.now(),
  });
  child.paused = true;
  const acknowledged = child.nextAck("paused");
  child.link.send({ type: "pause" });
  await acknowledged;
  if (child.holdsSlot) {
    child.holdsSlot = false;
    host.slots.release();
  }
}

/** A slot first (ahead of new claims), RESUMED with the child's id, then SIGCONT until it runs. */
async function resume(host: PauseHost, child: InvocationProcess, invocationId: string): Promise<void> {
  if (!child.paused) return;
  await host.slots.takeForResume();
  if (child.gone.signal.aborted) {
    host.slots.release();
    return;
  }
  child.holdsSlot = true;
  await host.app.backend.orchestrator.transition({
    invocationId,
    to: InvocationStatus.RESUMED,
    runnerId: child.runnerId,
    now: Date.now(),
  });
  // SIGCONT may arrive before the child has stopped itself: send it again until it says it runs.
  while (child.stoppedItself && !child.gone.signal.aborted) {
    const running = child.nextAck("running", CONTINUE_RETRY_MS);
    child.link.resume();
    await running;
  }
  child.paused = false;
  child.answerHeldBack();
}
