import type { ClaimedInvocation } from "../../../backends/contract/records.js";
import type { InvocationChildMessage } from "../../child/messages.js";
import { describeExit, type WorkerExit } from "../../child/worker-link.js";
import type { RunnerExecutor, RunnerHost } from "../../core/executor.js";
import { wakeupOrDelay } from "../../core/idle-wait.js";
import { SlotPool } from "../../core/slot-pool.js";
import { Wakeup } from "../../core/wakeup.js";
import { newChildRunnerContext, runnerContextToJson } from "../../runner-context.js";
import { ChildSupervisor, type SupervisorOptions } from "../../supervisor/child-supervisor.js";
import { type InvocationProcessLink, invocationProcessLauncher } from "../../supervisor/launchers.js";
import { handleSettle, handleWaiting, InvocationProcess } from "./invocation-process.js";

export interface ProcessPerInvocationOptions extends SupervisorOptions {
  /** Invocations running at once, one child process each. */
  readonly maxRunning: number;
  /** Children started ahead, app loaded, waiting for their invocation. */
  readonly warm: number;
  /** Extra environment variables of the children. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/**
 * One child process per invocation, at most `maxRunning` running at once. Children are
 * started ahead (app loaded); the parent claims an invocation with a ready child's runner id
 * as owner and hands it over; the child executes it and exits. A child whose task awaits
 * results is PAUSED (with its own runner id, so ownership holds), SIGSTOPped and stops
 * counting against `maxRunning` until the results are final; then it takes a slot (before new
 * claims), is RESUMED and SIGCONTed. Stopping kills the children and hands their invocations
 * back (KILLED, REROUTED).
 */
export class ProcessPerInvocationExecutor implements RunnerExecutor {
  readonly supervisor: ChildSupervisor;
  private readonly children = new Map<string, InvocationProcess>();
  private readonly wakeup = new Wakeup();
  private slots: SlotPool;
  private launch: (() => InvocationProcessLink) | undefined;
  private stopping = false;

  constructor(
    private readonly host: RunnerHost,
    private readonly options: ProcessPerInvocationOptions,
  ) {
    this.supervisor = new ChildSupervisor(host, options);
    this.slots = new SlotPool(options.maxRunning, () => this.wakeup.wake());
  }

  get maxParallelSlots(): number {
    return this.options.maxRunning;
  }

  /** Every live child: warm, executing or paused. */
  childRunnerIds(): string[] {
    return [...this.children.keys()];
  }

  prepare(): void {
    this.launch = invocationProcessLauncher(this.supervisor.requireAppModule(), this.options.env);
    this.slots = new SlotPool(this.options.maxRunning, () => this.wakeup.wake());
    this.stopping = false;
  }

  async start(): Promise<void> {}

  async iteration(): Promise<void> {
    this.supervisor.checkFailedStarts();
    await this.startWarmChildren();
    let queueEmpty = false;
    while (this.host.isRunning && this.slots.free > 0) {
      const child = [...this.children.values()].find((c) => c.phase === "ready" && !c.invocationId);
      if (!child) break;
      const claimed = await this.claimFor(child);
      if (!claimed) {
        queueEmpty = true;
        break;
      }
      this.assign(child, claimed);
    }
    if (this.host.isRunning) await this.waitForEvent(queueEmpty);
  }

  /** The parent runs no task: code waiting through it just waits. */
  async waitingForResults(_running: string | null, resultInvocationIds: readonly string[]): Promise<void> {
    await this.host.app.finality.waitForFinal(resultInvocationIds);
  }

  wake(): void {
    this.wakeup.wake();
  }

  /** Kills every child, then hands back the invocations they held (KILLED, REROUTED). */
  async stop(): Promise<void> {
    this.stopping = true;
    const children = [...this.children.values()];
    for (const child of children) {
      child.gone.abort();
      child.link.kill();
    }
    this.slots.drainResumers();
    await Promise.all(children.map((child) => child.link.exited));
    for (const child of children) {
      if (child.invocationId && child.phase === "executing")
        await this.host.killAndReroute(child.invocationId, child.context);
    }
    this.children.clear();
  }

  async onHeartbeat(): Promise<void> {
    await this.reportChildHeartbeats();
  }

  async reportChildHeartbeats(): Promise<void> {
    await this.supervisor.reportHeartbeats(
      [...this.children.values()].map((c) => ({
        runnerId: c.runnerId,
        context: runnerContextToJson(c.context),
      })),
    );
  }

  shutdownDetails(): string[] {
    const children = [...this.children.values()];
    return [
      `processes (${children.length}):`,
      ...children.map(
        (c) =>
          `  pid:${c.link.pid} worker:${c.runnerId.slice(0, 8)} ${c.paused ? "paused" : c.phase} invocation:${c.invocationId ?? "-"}`,
      ),
    ];
  }

  /** Starts children until `warm` are loading or ready. */
  private async startWarmChildren(): Promise<void> {
    let warm = [...this.children.values()].filter(
      (c) => c.phase === "starting" || c.phase === "ready",
    ).length;
    for (; warm < this.options.warm && this.host.isRunning; warm++) await this.startChild();
  }

  private async startChild(): Promise<void> {
    const launch = this.launch;
    if (!launch) return;
    const link = launch();
    const context = {
      ...newChildRunnerContext(this.host.runnerContext, "ProcessRunnerWorker"),
      pid: link.pid,
    };
    const child = new InvocationProcess(context, link);
    this.children.set(child.runnerId, child);
    link.onMessage((message) => this.onChildMessage(child, message));
    void link.exited.then((exit) => this.onChildExit(child, exit));
    await this.supervisor.register(context);
  }

  /** Claims one invocation owned by `child`, its slot reserved first (resumes cannot take it meanwhile). */
  private async claimFor(child: InvocationProcess): Promise<ClaimedInvocation | undefined> {
    this.slots.reserve(1);
    let claimed: ClaimedInvocation | undefined;
    try {
      [claimed] = await this.host.app.backend.orchestrator.claim({
        runnerId: child.runnerId,
        max: 1,
        leaseMs: this.host.app.settings.invocationLeaseMs,
        now: Date.now(),
      });
    } finally {
      // Not `release`: its wake-up would end the loop's next idle wait at once (a busy loop).
      if (!claimed) this.slots.unreserve(1);
    }
    return claimed;
  }

  /**
   * Hands a claimed invocation (its slot reserved) to a ready child. A child that exited while
   * the claim was on its way gets nothing: the slot is freed and the invocation, claimed under
   * that child's id, is handed back at once instead of waiting for the recovery of dead runners.
   */
  private assign(child: InvocationProcess, claimed: ClaimedInvocation): void {
    if (child.gone.signal.aborted) {
      this.slots.release();
      const id = claimed.record.invocationId;
      void this.supervisor.handBack(child.context, [id], "it exited before its invocation was handed over");
      return;
    }
    child.phase = "executing";
    child.invocationId = claimed.record.invocationId;
    child.holdsSlot = true;
    child.link.send({ type: "execute", claimed });
  }

  private onChildMessage(child: InvocationProcess, message: InvocationChildMessage): void {
    const pauseHost = { app: this.host.app, slots: this.slots };
    switch (message.type) {
      case "hello":
        child.link.send({
          type: "init",
          init: { ...this.supervisor.childInit(), context: runnerContextToJson(child.context) },
        });
        return;
      case "ready":
        child.phase = "ready";
        this.supervisor.noteReady();
        this.wakeup.wake();
        return;
      case "waiting":
        void handleWaiting(pauseHost, child, message.requestId, message.ids).catch((error: unknown) =>
          this.onPauseControlError(child, error),
        );
        return;
      case "settle":
        void handleSettle(pauseHost, child, message.requestId).catch((error: unknown) =>
          this.onPauseControlError(child, error),
        );
        return;
      case "paused":
      case "running":
        child.noteAck(message.type);
        return;
      case "done":
        child.phase = "done";
        this.releaseSlot(child);
        return;
      case "failed":
        child.failure = message.message;
        return;
    }
  }

  /** A pause or resume was refused (the invocation was taken over): the child's work is not its own any more. */
  private onPauseControlError(child: InvocationProcess, error: unknown): void {
    if (this.stopping || child.gone.signal.aborted) return;
    this.host.logger.warn(
      `runner:${child.runnerId} could not pause or resume its invocation; ending it: ${String(error)}`,
    );
    child.link.kill();
  }

  private async onChildExit(child: InvocationProcess, exit: WorkerExit): Promise<void> {
    child.gone.abort();
    this.releaseSlot(child);
    if (this.stopping) return;
    this.children.delete(child.runnerId);
    const how = describeExit({ ...exit, ...(child.failure ? { error: child.failure } : {}) });
    if (child.phase === "starting") this.supervisor.noteFailedStart(how);
    if (child.phase === "executing" && child.invocationId)
      await this.supervisor.handBack(child.context, [child.invocationId], describeExit(exit));
    this.wakeup.wake();
  }

  private releaseSlot(child: InvocationProcess): void {
    if (!child.holdsSlot) return;
    child.holdsSlot = false;
    this.slots.release();
  }

  private async waitForEvent(queueEmpty: boolean): Promise<void> {
    const app = this.host.app;
    const ms = Math.max(10, Math.min(app.settings.runnerIdlePollMs, this.host.msUntilServicesDue()));
    if (!queueEmpty) return wakeupOrDelay(this.wakeup, ms);
    const stop = new AbortController();
    await Promise.race([this.wakeup.wait(), app.backend.broker.waitForWork(ms, stop.signal)]);
    stop.abort();
    this.wakeup.cancel();
  }
}
