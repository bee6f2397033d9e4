import type { Logger } from "../../../logging/logger.js";
import type { PoolWorkerMessage } from "../../child/messages.js";
import { describeExit, type WorkerExit } from "../../child/worker-link.js";
import { Wakeup } from "../../core/wakeup.js";
import { newChildRunnerContext, type RunnerContext, runnerContextToJson } from "../../runner-context.js";
import type { ChildSupervisor } from "../../supervisor/child-supervisor.js";
import type { PoolWorkerLink } from "../../supervisor/launchers.js";

/** One worker of a pool: a child process or thread running an AsyncRunner. */
export interface PoolMember {
  readonly context: RunnerContext;
  readonly link: PoolWorkerLink;
  /** starting: not yet running its AsyncRunner; stopping: asked to stop. */
  state: "starting" | "running" | "stopping";
  /** The invocations it holds, as it last reported them. */
  held: readonly string[];
  /** Since when it holds nothing (from its start until its first report). */
  idleSince: number;
  /** When its AsyncRunner started. */
  startedAt?: number;
  /** Why it could not start, when it said so. */
  failure?: string;
}

export interface WorkerPoolOptions {
  readonly parentContext: RunnerContext;
  /** The runner class recorded in the workers' contexts. */
  readonly workerClass: string;
  /** Invocations each worker's AsyncRunner runs at once. */
  readonly concurrency: number;
  /** Starts a worker (fork or thread). */
  readonly launch: () => PoolWorkerLink;
  /** Registration, hand-back and the failed-start limit of the workers. */
  readonly supervisor: ChildSupervisor;
  readonly logger: Logger;
}

/** A worker that dies sooner than this after starting delays the next start (doubling, up to the max). */
const HEALTHY_LIFETIME_MS = 10_000;
const FIRST_RESPAWN_DELAY_MS = 250;
const MAX_RESPAWN_DELAY_MS = 10_000;

/**
 * The workers of a pooled runner (MultiProcessRunner, PersistentProcessRunner, ThreadRunner):
 * starts them, follows their reports, reaps the dead (handing back what they still owned) and
 * stops them. The runner holding it decides how many there should be.
 */
export class WorkerPool {
  private readonly members = new Map<string, PoolMember>();
  private readonly exits: Array<{ member: PoolMember; exit: WorkerExit }> = [];
  /** Workers in a row that died soon after starting, and when the next may start. */
  private crashes = 0;
  private respawnNotBefore = 0;
  /** Woken on every worker event (start, load report, exit): the runner's loop waits on it. */
  readonly events = new Wakeup();

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Every worker not yet reaped (their heartbeats are reported by the parent). */
  get live(): PoolMember[] {
    return [...this.members.values()];
  }

  /** Workers that count toward the pool's size: starting or running, not stopping. */
  get active(): PoolMember[] {
    return this.live.filter((member) => member.state !== "stopping");
  }

  /** Starts one worker and registers its context (with the worker's pid). */
  async spawn(): Promise<PoolMember> {
    const { parentContext, workerClass } = this.options;
    const link = this.options.launch();
    const context = { ...newChildRunnerContext(parentContext, workerClass), pid: link.pid };
    const member: PoolMember = { context, link, state: "starting", held: [], idleSince: Date.now() };
    this.members.set(context.runnerId, member);
    link.onMessage((message) => this.onMessage(member, message));
    void link.exited.then((exit) => {
      this.exits.push({ member, exit });
      this.events.wake();
    });
    await this.options.supervisor.register(context);
    return member;
  }

  /** Starts workers until `count` are active (later, while workers keep dying soon after they start). */
  async fillTo(count: number): Promise<void> {
    if (Date.now() < this.respawnNotBefore) return;
    const missing = count - this.active.length;
    for (let i = 0; i < missing; i++) await this.spawn();
  }

  /** Asks a worker to stop; it hands its work back and exits (reaped later). */
  stop(member: PoolMember): void {
    member.state = "stopping";
    member.link.requestStop();
  }

  /**
   * Removes the workers that exited and hands back the invocations a dead worker still owned.
   * Throws a RunnerNotExecutableError (which ends the runner) when workers keep exiting before
   * they start: a broken app module or backend would otherwise be retried forever.
   */
  async reap(): Promise<void> {
    for (const { member, exit } of this.exits.splice(0)) {
      this.members.delete(member.context.runnerId);
      const how = describeExit({ ...exit, ...(member.failure ? { error: member.failure } : {}) });
      if (member.state === "starting") this.options.supervisor.noteFailedStart(how);
      if (member.state === "running") this.noteCrash(member);
      if (member.state !== "stopping") {
        this.options.logger.warn(`runner:${member.context.runnerId} worker exited (${how})`);
      }
      await this.options.supervisor.handBack(member.context, member.held, how);
    }
    this.options.supervisor.checkFailedStarts();
  }

  /**
   * Asks every worker to stop, waits up to `graceMs` for them to exit, ends the rest, then
   * reaps them all.
   */
  async stopAll(graceMs: number): Promise<void> {
    const members = this.live;
    for (const member of members) if (!member.link.hasExited) this.stop(member);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(members.map((m) => m.link.exited)), grace]);
    clearTimeout(timer);
    const stragglers = members.filter((member) => !member.link.hasExited);
    for (const member of stragglers) {
      this.options.logger.warn(
        `runner:${member.context.runnerId} worker did not stop in ${graceMs} ms; killed`,
      );
      member.link.kill();
    }
    await Promise.all(members.map((m) => m.link.exited));
    this.options.supervisor.resetFailedStarts();
    await this.reap();
  }

  /** Slots of active workers not holding an invocation (a starting worker counts as all free). */
  freeSlots(): number {
    const { concurrency } = this.options;
    return this.active.reduce((sum, member) => sum + Math.max(0, concurrency - member.held.length), 0);
  }

  /** Heartbeat entries of every live worker, with their contexts. */
  heartbeats(): Array<{ runnerId: string; context: string }> {
    return this.live.map((m) => ({ runnerId: m.context.runnerId, context: runnerContextToJson(m.context) }));
  }

  private onMessage(member: PoolMember, message: PoolWorkerMessage): void {
    switch (message.type) {
      case "hello":
        member.link.send({
          type: "init",
          init: {
            ...this.options.supervisor.childInit(),
            context: runnerContextToJson(member.context),
            concurrency: this.options.concurrency,
          },
        });
        return;
      case "started":
        if (member.state === "starting") member.state = "running";
        member.startedAt = Date.now();
        member.idleSince = member.startedAt;
        this.options.supervisor.noteReady();
        break;
      case "load":
        if (member.held.length > 0 && message.held.length === 0) member.idleSince = Date.now();
        member.held = message.held;
        break;
      case "failed":
        member.failure = message.message;
        break;
    }
    this.events.wake();
  }

  /** A started worker died: one dying soon after its start delays the next start. */
  private noteCrash(member: PoolMember): void {
    const now = Date.now();
    if (now - (member.startedAt ?? now) >= HEALTHY_LIFETIME_MS) {
      this.crashes = 0;
      return;
    }
    this.crashes++;
    const delay = Math.min(MAX_RESPAWN_DELAY_MS, FIRST_RESPAWN_DELAY_MS * 2 ** (this.crashes - 1));
    this.respawnNotBefore = now + delay;
  }
}
