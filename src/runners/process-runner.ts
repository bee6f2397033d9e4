import type { ClaimedInvocation } from "../backends/contract/records.js";
import type { AppCore } from "../engine/app-core.js";
import { RunnerNotExecutableError } from "../errors/errors.js";
import { BaseRunner } from "./base-runner.js";
import { orCpuCount, runnerSetting } from "./child/app-config-bridge.js";
import { type AppModuleRef, childExecArgv, requireAppModule, siblingEntryPath } from "./child/app-module.js";
import type { InvocationChildMessage, InvocationParentMessage } from "./child/messages.js";
import { describeExit, forkChild, type WorkerExit } from "./child/worker-link.js";
import {
  handBackIfOwned,
  handleSettle,
  handleWaiting,
  InvocationProcess,
  type InvocationProcessLink,
} from "./process-runner/invocation-process.js";
import { newChildRunnerContext, runnerContextToJson } from "./runner-context.js";
import { SlotPool } from "./slot-pool.js";
import { Wakeup } from "./wakeup.js";
import {
  ChildHeartbeats,
  childInitOf,
  refuseMemoryBackend,
  type SpawningRunnerOptions,
  wakeupOrDelay,
} from "./worker-pool/pool-support.js";

export interface ProcessRunnerOptions extends SpawningRunnerOptions {
  /** Invocations running at once, one child process each (default: config `maxProcesses`; 0 = CPU count). */
  maxProcesses?: number;
  /** Children started ahead, app loaded, waiting for their invocation (default: `maxProcesses`). */
  warmProcesses?: number;
}

const CHILD_ENTRY = siblingEntryPath(import.meta.url, "process-runner/invocation-child");
/** Children that exit before they are ready, in a row, after which the runner gives up. */
const MAX_FAILED_STARTS = 3;

/**
 * One child process per invocation, at most `maxProcesses` running at once. Children are
 * started ahead (app loaded); the parent claims an invocation with a ready child's runner id
 * as owner and hands it over; the child executes it and exits. A child whose task awaits
 * results is PAUSED (with its own runner id, so ownership holds), SIGSTOPped and stops
 * counting against `maxProcesses` until the results are final; then it takes a slot (before
 * new claims), is RESUMED and SIGCONTed. Stopping kills the children and hands their
 * invocations back (KILLED, REROUTED).
 */
export class ProcessRunner extends BaseRunner {
  /** The module the children import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private readonly options: ProcessRunnerOptions;
  private readonly children = new Map<string, InvocationProcess>();
  private readonly wakeup = new Wakeup();
  private readonly heartbeats: ChildHeartbeats;
  private slots = new SlotPool(1, () => this.wakeup.wake());
  private launch: (() => InvocationProcessLink) | undefined;
  private stopping = false;
  private failedStarts = 0;
  private lastFailure = "";

  constructor(app: AppCore, options: ProcessRunnerOptions = {}) {
    super(app, options);
    this.options = options;
    this.appModule = options.appModule;
    this.heartbeats = new ChildHeartbeats(app);
  }

  static override memCompatible(): boolean {
    return false;
  }

  get maxProcesses(): number {
    return orCpuCount(this.options.maxProcesses ?? runnerSetting(this.app, "maxProcesses"));
  }

  get maxParallelSlots(): number {
    return this.maxProcesses;
  }

  /** Every live child: warm, executing or paused. */
  override getActiveChildRunnerIds(): string[] {
    return [...this.children.keys()];
  }

  async runnerLoopIteration(): Promise<void> {
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      // Fatal (BaseRunner retries other errors): a broken app module or backend would loop forever.
      this.failedStarts = 0;
      throw new RunnerNotExecutableError(
        `ProcessRunner children exit before they are ready (last: ${this.lastFailure})`,
      );
    }
    await this.startWarmChildren();
    let queueEmpty = false;
    while (this.running && this.slots.free > 0) {
      const child = [...this.children.values()].find((c) => c.phase === "ready" && !c.invocationId);
      if (!child) break;
      const claimed = await this.claimFor(child);
      if (!claimed) {
        queueEmpty = true;
        break;
      }
      this.assign(child, claimed);
    }
    if (this.running) await this.waitForEvent(queueEmpty);
  }

  /** The parent runs no task: code waiting through it just waits. */
  async waitingForResults(_running: string | null, resultInvocationIds: readonly string[]): Promise<void> {
    await this.app.finality.waitForFinal(resultInvocationIds);
  }

  protected override async onStart(): Promise<void> {
    const appModule = requireAppModule(this.runnerClass, this.appModule);
    refuseMemoryBackend(this.app, this.runnerClass);
    const execArgv = childExecArgv(CHILD_ENTRY, appModule);
    const env = { ...process.env, ...this.options.env };
    this.launch = () =>
      forkChild<InvocationParentMessage, InvocationChildMessage>(CHILD_ENTRY, execArgv, env);
    this.slots = new SlotPool(this.maxProcesses, () => this.wakeup.wake());
    this.stopping = false;
    await super.onStart();
  }

  protected override onStopRunnerLoop(): void {
    this.wakeup.wake();
  }

  /** Kills every child, then hands back the invocations they held (KILLED, REROUTED). */
  protected override async onStop(): Promise<void> {
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
        await this.killAndReroute(child.invocationId, child.context);
    }
    this.children.clear();
    await super.onStop();
  }

  protected override async reportChildRunnerHeartbeats(): Promise<void> {
    await this.heartbeats.report(
      [...this.children.values()].map((c) => ({
        runnerId: c.runnerId,
        context: runnerContextToJson(c.context),
      })),
    );
  }

  protected override async onHeartbeat(): Promise<void> {
    await this.reportChildRunnerHeartbeats();
  }

  protected override shutdownDetails(): string[] {
    const children = [...this.children.values()];
    return [
      `processes (${children.length}):`,
      ...children.map(
        (c) =>
          `  pid:${c.link.pid} worker:${c.runnerId.slice(0, 8)} ${c.paused ? "paused" : c.phase} invocation:${c.invocationId ?? "-"}`,
      ),
    ];
  }

  /** Starts children until `warmProcesses` are loading or ready. */
  private async startWarmChildren(): Promise<void> {
    const target = this.options.warmProcesses ?? this.maxProcesses;
    let warm = [...this.children.values()].filter(
      (c) => c.phase === "starting" || c.phase === "ready",
    ).length;
    for (; warm < target && this.running; warm++) await this.startChild();
  }

  private async startChild(): Promise<void> {
    const launch = this.launch;
    if (!launch || !this.appModule) return;
    const link = launch();
    const context = { ...newChildRunnerContext(this.runnerContext, "ProcessRunnerWorker"), pid: link.pid };
    const child = new InvocationProcess(context, link);
    this.children.set(child.runnerId, child);
    const init = childInitOf(this.app, this.appModule);
    link.onMessage((message) => this.onChildMessage(child, message, init));
    void link.exited.then((exit) => this.onChildExit(child, exit));
    await this.registerNewChildRunnerContext(context);
  }

  /** Claims one invocation owned by `child`, its slot reserved first (resumes cannot take it meanwhile). */
  private async claimFor(child: InvocationProcess): Promise<ClaimedInvocation | undefined> {
    this.slots.reserve(1);
    let claimed: ClaimedInvocation | undefined;
    try {
      [claimed] = await this.app.backend.orchestrator.claim({
        runnerId: child.runnerId,
        max: 1,
        leaseMs: this.app.settings.invocationLeaseMs,
        now: Date.now(),
      });
    } finally {
      // Not `release`: its wake-up would end the loop's next idle wait at once (a busy loop).
      if (!claimed) this.slots.unreserve(1);
    }
    return claimed;
  }

  /** Hands a claimed invocation (its slot reserved) to a ready child. */
  private assign(child: InvocationProcess, claimed: ClaimedInvocation): void {
    child.phase = "executing";
    child.invocationId = claimed.record.invocationId;
    child.holdsSlot = true;
    child.link.send({ type: "execute", claimed });
  }

  private onChildMessage(
    child: InvocationProcess,
    message: InvocationChildMessage,
    init: ReturnType<typeof childInitOf>,
  ): void {
    switch (message.type) {
      case "hello":
        child.link.send({ type: "init", init: { ...init(), context: runnerContextToJson(child.context) } });
        return;
      case "ready":
        child.phase = "ready";
        this.failedStarts = 0;
        this.wakeup.wake();
        return;
      case "waiting":
        void handleWaiting({ app: this.app, slots: this.slots }, child, message.requestId, message.ids).catch(
          (error: unknown) => this.onPauseControlError(child, error),
        );
        return;
      case "settle":
        void handleSettle({ app: this.app, slots: this.slots }, child, message.requestId).catch(
          (error: unknown) => this.onPauseControlError(child, error),
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
    this.logger.warn(
      `runner:${child.runnerId} could not pause or resume its invocation; ending it: ${String(error)}`,
    );
    child.link.kill();
  }

  private async onChildExit(child: InvocationProcess, exit: WorkerExit): Promise<void> {
    child.gone.abort();
    this.releaseSlot(child);
    if (this.stopping) return;
    this.children.delete(child.runnerId);
    if (child.phase === "starting") {
      this.failedStarts++;
      this.lastFailure = describeExit({ ...exit, ...(child.failure ? { error: child.failure } : {}) });
    }
    if (child.phase === "executing") {
      await handBackIfOwned(this.app, child, describeExit(exit), (id, context) =>
        this.killAndReroute(id, context),
      );
    }
    this.wakeup.wake();
  }

  private releaseSlot(child: InvocationProcess): void {
    if (!child.holdsSlot) return;
    child.holdsSlot = false;
    this.slots.release();
  }

  private async waitForEvent(queueEmpty: boolean): Promise<void> {
    const ms = Math.max(10, Math.min(this.app.settings.runnerIdlePollMs, this.msUntilServicesDue()));
    if (!queueEmpty) return wakeupOrDelay(this.wakeup, ms);
    const stop = new AbortController();
    await Promise.race([this.wakeup.wait(), this.app.backend.broker.waitForWork(ms, stop.signal)]);
    stop.abort();
    this.wakeup.cancel();
  }
}
