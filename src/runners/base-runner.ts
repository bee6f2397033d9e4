import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { RunnerHandle } from "../context/execution-context.js";
import type { AppCore } from "../engine/app-core.js";
import { runMaintenance } from "../engine/maintenance.js";
import { InvocationStatusError, RunnerError, RunnerNotExecutableError } from "../errors/errors.js";
import type { Logger } from "../logging/logger.js";
import { isFinalStatus } from "../status/status-table.js";
import { InvocationStatus } from "../status/statuses.js";
import { newRunnerContext, type RunnerContext, runnerContextToJson } from "./runner-context.js";
import { logShutdownDiagnostics } from "./shutdown-diagnostics.js";

/** The longest the runner loop runs without letting timers and I/O in. */
const LOOP_YIELD_MS = 5;

export interface RunnerOptions {
  /** The runner's context; a new one (fresh id, this class) by default. */
  runnerContext?: RunnerContext;
  /** Stop on SIGINT/SIGTERM while running (default true). */
  handleSignals?: boolean;
}

/**
 * The life cycle every runner shares (pynenc's BaseRunner, in camelCase): `run()` starts,
 * loops over heartbeats, global services and `runnerLoopIteration()` until stopped, and
 * resolves once everything is torn down.
 */
export abstract class BaseRunner implements RunnerHandle {
  readonly runnerContext: RunnerContext;
  readonly logger: Logger;
  protected readonly app: AppCore;
  protected running = false;
  private started = false;
  /** True from the start of `run()` until its tear-down has finished. */
  private loopActive = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastServicesAt = 0;
  private stopped: Promise<void> = Promise.resolve();
  private resolveStopped: () => void = () => {};
  private readonly handleSignals: boolean;
  private readonly signalHandler = (signal: NodeJS.Signals) => this.stopRunnerLoop(signal);

  constructor(app: AppCore, options: RunnerOptions = {}) {
    this.app = app;
    this.runnerContext = options.runnerContext ?? newRunnerContext(new.target.name);
    this.handleSignals = options.handleSignals ?? true;
    this.logger = app.logger;
  }

  /** Whether the runner can work on the memory backend (all its workers share this process). */
  static memCompatible(): boolean {
    return true;
  }

  get runnerId(): string {
    return this.runnerContext.runnerId;
  }

  get runnerClass(): string {
    return this.runnerContext.runnerClass;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** How many invocations this runner executes at once. */
  abstract get maxParallelSlots(): number;

  /** Ids of the live worker runners of this runner (child processes, threads). */
  getActiveChildRunnerIds(): string[] {
    return [];
  }

  /** One pass of the main loop: claim and start work, or wait for some. */
  abstract runnerLoopIteration(): Promise<void>;

  /** Waits until `resultInvocationIds` are final; pauses `runningInvocationId` when this runner owns it. */
  abstract waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
    runnerArgs?: Record<string, unknown>,
  ): Promise<void>;

  /** Runs until stopped. Resolves when the loop has fully exited and running work was handed back. */
  async run(): Promise<void> {
    if (this.loopActive) throw new RunnerError(`${this.runnerClass}(${this.runnerId}) is already running`);
    this.loopActive = true;
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    this.started = true;
    this.running = true;
    try {
      await this.onStart();
      let failures = 0;
      let yieldedAt = Date.now();
      while (this.running) {
        try {
          await this.reportChildRunnerHeartbeats();
          await this.checkAtomicServices();
          await this.runnerLoopIteration();
          failures = 0;
        } catch (error) {
          if (error instanceof RunnerNotExecutableError) throw error;
          failures++;
          const backoffMs = Math.min(5_000, 50 * 2 ** Math.min(failures, 7));
          this.logger.error(
            `runner:${this.runnerId} loop iteration failed (${failures} in a row), retrying in ${backoffMs} ms: ${String(error)}`,
            { error },
          );
          await sleep(backoffMs);
        }
        // Let timers (heartbeats) and I/O run even when every iteration finds work at once
        // (a backend answering from memory never yields by itself); not on every turn, which
        // would delay the claim that follows a wake-up.
        if (Date.now() - yieldedAt >= LOOP_YIELD_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          yieldedAt = Date.now();
        }
      }
    } catch (error) {
      this.logger.error(`runner:${this.runnerId} stopped on an error: ${String(error)}`, { error });
      throw error;
    } finally {
      this.running = false;
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
      try {
        await this.onStop();
      } finally {
        this.removeSignalHandlers();
        this.loopActive = false;
        this.resolveStopped();
      }
    }
  }

  /** Asks the loop to stop; `run()` resolves once it has. */
  stopRunnerLoop(signal?: NodeJS.Signals): void {
    if (!this.running) return;
    this.logShutdown(signal);
    this.running = false;
    this.onStopRunnerLoop();
  }

  /** True once `run()` has fully exited (at once if it never started); false after `timeoutMs`. */
  async waitUntilStopped(timeoutMs = 2000): Promise<boolean> {
    if (!this.started) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.stopped.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Imports the modules named by config `triggerTaskModules` (paths relative to the working
   * directory, or package names), so the tasks and triggers they declare are registered
   * before work is claimed. A module that fails to import is logged, not fatal.
   */
  async initTriggerTasksModules(): Promise<void> {
    for (const name of this.app.triggerTaskModules) {
      const specifier = name.startsWith(".") || isAbsolute(name) ? pathToFileURL(resolve(name)).href : name;
      try {
        await import(specifier);
      } catch (error) {
        this.logger.error(
          `runner:${this.runnerId} could not import trigger task module '${name}': ${String(error)}`,
        );
      }
    }
  }

  /** Start-up: signal handlers, runner context and first heartbeat. */
  protected async onStart(): Promise<void> {
    if (this.handleSignals) {
      process.on("SIGINT", this.signalHandler);
      process.on("SIGTERM", this.signalHandler);
    }
    await this.app.backend.stateBackend.storeRunnerContext(
      this.runnerId,
      runnerContextToJson(this.runnerContext),
    );
    await this.heartbeat();
    this.heartbeatTimer = setInterval(
      () => void this.heartbeat(),
      this.app.settings.runnerHeartbeatIntervalMs,
    );
    this.heartbeatTimer.unref();
    await this.initTriggerTasksModules();
    this.logger.info(`runner:${this.runnerId} ${this.runnerClass} started`, { slots: this.maxParallelSlots });
  }

  /** Tear-down after the loop exits. */
  protected async onStop(): Promise<void> {
    this.logger.info(`runner:${this.runnerId} ${this.runnerClass} stopped`);
  }

  /** Called when the loop is asked to stop: wake whatever the loop waits on. */
  protected onStopRunnerLoop(): void {}

  /**
   * The global services that run on one runner at a time, under a lease in the backend:
   * recovery of gone runners' work and retention, at most once per `globalServiceIntervalMs`.
   * A failing service is logged; it never stops the runner.
   */
  protected async checkAtomicServices(): Promise<void> {
    const now = Date.now();
    if (now - this.lastServicesAt < this.app.settings.globalServiceIntervalMs) return;
    this.lastServicesAt = now;
    try {
      await runMaintenance(this.app, this.runnerId, now);
    } catch (error) {
      this.logger.error(`runner:${this.runnerId} maintenance failed: ${String(error)}`, { error });
    }
  }

  /** How long the loop may wait idle before the global services are due again. */
  protected msUntilServicesDue(): number {
    return Math.max(0, this.lastServicesAt + this.app.settings.globalServiceIntervalMs - Date.now());
  }

  /**
   * Runs on a timer of its own (every `runnerHeartbeatIntervalMs`, whatever the loop waits
   * on): this runner's heartbeat, then `onHeartbeat()`. Failures are logged.
   */
  private async heartbeat(): Promise<void> {
    try {
      await this.app.backend.orchestrator.heartbeat(
        [{ runnerId: this.runnerId, context: runnerContextToJson(this.runnerContext) }],
        Date.now(),
      );
      await this.onHeartbeat();
    } catch (error) {
      this.logger.error(`runner:${this.runnerId} heartbeat failed: ${String(error)}`, { error });
    }
  }

  /** Work to do with each heartbeat (renewing leases of held invocations, for instance). */
  protected async onHeartbeat(): Promise<void> {}

  /** Stores a new worker's context and its first heartbeat. */
  protected async registerNewChildRunnerContext(context: RunnerContext): Promise<void> {
    const json = runnerContextToJson(context);
    await this.app.backend.stateBackend.storeRunnerContext(context.runnerId, json);
    await this.app.backend.orchestrator.heartbeat(
      [{ runnerId: context.runnerId, context: json }],
      Date.now(),
    );
  }

  /** Heartbeats on behalf of live workers, which do not report themselves. */
  protected async reportChildRunnerHeartbeats(): Promise<void> {
    const ids = this.getActiveChildRunnerIds();
    if (ids.length === 0) return;
    const runners = ids.map((runnerId) => ({ runnerId, context: "" }));
    await this.app.backend.orchestrator.heartbeat(runners, Date.now());
  }

  /** Moves an invocation this runner held to KILLED, then REROUTED so another runner redoes it. */
  protected async killAndReroute(
    invocationId: string,
    runnerCtx: RunnerContext = this.runnerContext,
  ): Promise<void> {
    const orchestrator = this.app.backend.orchestrator;
    try {
      await orchestrator.transition({
        invocationId,
        to: InvocationStatus.KILLED,
        runnerId: runnerCtx.runnerId,
        now: Date.now(),
      });
      await orchestrator.transition({
        invocationId,
        to: InvocationStatus.REROUTED,
        runnerId: runnerCtx.runnerId,
        requeue: { delayMs: 0 },
        now: Date.now(),
      });
    } catch (error) {
      const current = (await orchestrator.getStatuses([invocationId])).get(invocationId);
      if (current && isFinalStatus(current.status)) return;
      if (error instanceof InvocationStatusError)
        this.logger.warn(`invocation:${invocationId} not rerouted: ${error.message}`);
      else throw error;
    }
  }

  protected logShutdown(signal?: NodeJS.Signals): void {
    logShutdownDiagnostics(this.logger, this.runnerContext, signal, this.shutdownDetails());
  }

  /** Runner-specific lines for the shutdown diagnostics. */
  protected shutdownDetails(): string[] {
    return [];
  }

  private removeSignalHandlers(): void {
    process.off("SIGINT", this.signalHandler);
    process.off("SIGTERM", this.signalHandler);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
