import type { RunnerHandle } from "../context/execution-context.js";
import type { AppCore } from "../engine/app-core.js";
import { runMaintenance } from "../engine/maintenance.js";
import { RunnerError } from "../errors/errors.js";
import { brandClass } from "../identity/brand.js";
import type { Logger } from "../logging/logger.js";
import type { AppModuleRef } from "./child/app-module.js";
import { asyncDispose } from "./core/async-dispose.js";
import { refuseUnsharedBackend } from "./core/backend-check.js";
import { deferred } from "./core/deferred.js";
import type { RunnerExecutor, RunnerHost } from "./core/executor.js";
import { killAndReroute } from "./core/hand-back.js";
import { HeartbeatTimer } from "./core/heartbeat.js";
import { runLoop } from "./core/loop.js";
import { subclassExecutor } from "./core/non-executing-executor.js";
import { logShutdownDiagnostics } from "./core/shutdown-diagnostics.js";
import { importTriggerTaskModules } from "./core/trigger-modules.js";
import { newRunnerContext, type RunnerContext, runnerContextToJson } from "./runner-context.js";

export interface RunnerOptions {
  /** The runner's context; a new one (fresh id, this class) by default. */
  runnerContext?: RunnerContext;
  /** Stop on SIGINT/SIGTERM while running (default true). */
  handleSignals?: boolean;
}

/**
 * The runner core every runner is (pynenc's BaseRunner, in camelCase): `run()` starts, loops
 * over heartbeats, global services and `runnerLoopIteration()` until stopped, hands back what
 * it holds and resolves once everything is torn down. It owns the loop, heartbeats, signal
 * handling, global services, stop and shutdown diagnostics; how claimed work is executed is
 * the executor it is given (in this process, a pool of workers, a process per invocation).
 * The runner classes are a choice of executor and sizing.
 */
export abstract class BaseRunner implements RunnerHandle, AsyncDisposable {
  readonly runnerContext: RunnerContext;
  readonly logger: Logger;
  protected readonly app: AppCore;
  protected readonly executor: RunnerExecutor;
  protected running = false;
  private started = false;
  /** True from the start of `run()` until its tear-down has finished. */
  private loopActive = false;
  private readonly heartbeats: HeartbeatTimer;
  private lastServicesAt = 0;
  private stopped: Promise<void> = Promise.resolve();
  private resolveStopped: () => void = () => {};
  private startup = deferred();
  /**
   * Stop on SIGINT/SIGTERM while running (option `handleSignals`, default true). Set it before
   * `run()`; a host that handles signals itself (the CLI) turns it off.
   */
  handleSignals: boolean;
  private readonly signalHandler = (signal: NodeJS.Signals) => this.stopRunnerLoop(signal);

  /**
   * `executor` says how claimed work is executed (the runner classes pass theirs). A subclass
   * that passes none overrides `runnerLoopIteration()`, `maxParallelSlots` and
   * `waitingForResults()` itself.
   */
  constructor(
    app: AppCore,
    options: RunnerOptions = {},
    executor: (host: RunnerHost) => RunnerExecutor = subclassExecutor,
  ) {
    this.app = app;
    this.runnerContext = options.runnerContext ?? newRunnerContext(new.target.name);
    this.handleSignals = options.handleSignals ?? true;
    this.logger = app.logger;
    this.executor = executor(this.host());
    this.heartbeats = new HeartbeatTimer(app, this.runnerContext, () => this.executor.onHeartbeat());
  }

  /** Whether the runner can work on a backend that lives in one process (it executes in this thread). */
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

  /** Whether this runner starts children (threads, processes) that import the app's module. */
  get startsChildren(): boolean {
    return this.executor.supervisor !== undefined;
  }

  /**
   * The module this runner's children import to get the app (required to run a runner that
   * starts children; the CLI sets it from `--app`). Undefined for runners without children.
   */
  get appModule(): AppModuleRef | undefined {
    return this.executor.supervisor?.appModule;
  }

  set appModule(ref: AppModuleRef | undefined) {
    if (this.executor.supervisor) this.executor.supervisor.appModule = ref;
  }

  /** How many invocations this runner executes at once. */
  get maxParallelSlots(): number {
    return this.executor.maxParallelSlots;
  }

  /** Ids of the live worker runners of this runner (child processes, threads). */
  getActiveChildRunnerIds(): string[] {
    return this.executor.childRunnerIds();
  }

  /** One pass of the main loop: claim and start work, or wait for some. */
  runnerLoopIteration(): Promise<void> {
    return this.executor.iteration();
  }

  /** Waits until `resultInvocationIds` are final; pauses `runningInvocationId` when this runner owns it. */
  waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
    _runnerArgs?: Record<string, unknown>,
  ): Promise<void> {
    return this.executor.waitingForResults(runningInvocationId, resultInvocationIds);
  }

  /** The task body of a held invocation ended: detach its open waits and resume it if paused. */
  settleWaits(invocationId: string): Promise<void> | undefined {
    return this.executor.settleWaits?.(invocationId);
  }

  /** Runs until stopped. Resolves when the loop has fully exited and running work was handed back. */
  async run(): Promise<void> {
    if (this.loopActive) throw new RunnerError(`${this.runnerClass}(${this.runnerId}) is already running`);
    this.loopActive = true;
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    if (this.startup.settled) this.startup = deferred();
    const startup = this.startup;
    this.started = true;
    this.running = true;
    try {
      await this.onStart();
      startup.resolve();
      await runLoop({
        isRunning: () => this.running,
        turn: async () => {
          await this.reportChildRunnerHeartbeats();
          await this.checkAtomicServices();
          await this.runnerLoopIteration();
        },
        onFailure: (error, failures, backoffMs) =>
          this.logger.error(
            `runner:${this.runnerId} loop iteration failed (${failures} in a row), retrying in ${backoffMs} ms: ${String(error)}`,
            { error },
          ),
      });
    } catch (error) {
      this.logger.error(`runner:${this.runnerId} stopped on an error: ${String(error)}`, { error });
      startup.reject(error);
      throw error;
    } finally {
      this.running = false;
      this.heartbeats.stop();
      try {
        await this.onStop();
      } finally {
        startup.resolve(); // stopped before it had started: nothing to wait for any more
        this.removeSignalHandlers();
        this.app.setRunningRunner(this, false);
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

  /**
   * Stops the loop and resolves once `run()` has exited (at once if it is not running). Never
   * rejects: an error that ended `run()` is logged (and rejected by `run()` itself).
   */
  async stop(): Promise<void> {
    this.stopRunnerLoop();
    await this.stopped;
  }

  /** `await using runner = new AsyncRunner(app)`: the runner is stopped at the end of the scope. */
  [asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Resolves once `run()` has started (signal handlers, first heartbeat, executor ready, so
   * claims are under way), or once it stopped if it was stopped first; rejects with the error
   * that ended `run()` before it started (a refused backend, children that cannot start). Called
   * before `run()`, it waits for it; after a run has ended, it reports that run.
   */
  waitUntilStarted(): Promise<void> {
    return this.startup.promise;
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
    await importTriggerTaskModules(this.app.triggerTaskModules, this.logger, this.runnerId);
  }

  /** Called when the loop is asked to stop: wake whatever the loop waits on. */
  protected onStopRunnerLoop(): void {
    this.executor.wake();
  }

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
  protected reportChildRunnerHeartbeats(): Promise<void> {
    return this.executor.reportChildHeartbeats();
  }

  /** Moves an invocation this runner held to KILLED, then REROUTED so another runner redoes it. */
  protected killAndReroute(
    invocationId: string,
    runnerCtx: RunnerContext = this.runnerContext,
  ): Promise<void> {
    return killAndReroute(this.app, invocationId, runnerCtx.runnerId);
  }

  protected logShutdown(signal?: NodeJS.Signals): void {
    logShutdownDiagnostics(this.logger, this.runnerContext, signal, this.executor.shutdownDetails());
  }

  /** Start-up: checks, signal handlers, runner context, first heartbeat, then the executor. */
  private async onStart(): Promise<void> {
    const cls = this.constructor as typeof BaseRunner;
    refuseUnsharedBackend(this.app, this.runnerClass, cls.memCompatible());
    this.executor.prepare();
    if (this.handleSignals) {
      process.on("SIGINT", this.signalHandler);
      process.on("SIGTERM", this.signalHandler);
    }
    this.app.setRunningRunner(this, true);
    await this.heartbeats.start();
    await this.initTriggerTasksModules();
    await this.executor.start();
    this.logger.info(`runner:${this.runnerId} ${this.runnerClass} started`, { slots: this.maxParallelSlots });
  }

  /** Tear-down after the loop exits: the executor hands back what it holds. */
  private async onStop(): Promise<void> {
    await this.executor.stop();
    this.logger.info(`runner:${this.runnerId} ${this.runnerClass} stopped`);
  }

  private removeSignalHandlers(): void {
    process.off("SIGINT", this.signalHandler);
    process.off("SIGTERM", this.signalHandler);
  }

  /** What the executor may use of this runner. */
  private host(): RunnerHost {
    const runner = this;
    return {
      app: this.app,
      logger: this.logger,
      runnerContext: this.runnerContext,
      runnerId: this.runnerContext.runnerId,
      handle: this,
      get isRunning() {
        return runner.running;
      },
      msUntilServicesDue: () =>
        Math.max(0, this.lastServicesAt + this.app.settings.globalServiceIntervalMs - Date.now()),
      killAndReroute: (id, ctx) => this.killAndReroute(id, ctx),
      registerNewChildRunnerContext: (ctx) => this.registerNewChildRunnerContext(ctx),
    };
  }
}

brandClass(BaseRunner, "BaseRunner");
