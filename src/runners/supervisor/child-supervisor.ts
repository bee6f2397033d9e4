import { RunnerNotExecutableError } from "../../errors/errors.js";
import { isFinalStatus } from "../../status/status-table.js";
import type { RunnerOptions } from "../base-runner.js";
import { type AppModuleRef, requireAppModule } from "../child/app-module.js";
import type { ChildInit } from "../child/messages.js";
import { runtimeConfigOf } from "../child/runtime-config.js";
import type { RunnerHost } from "../core/executor.js";
import type { RunnerContext } from "../runner-context.js";

/** Children that exit before they are ready, in a row, after which the runner gives up. */
export const MAX_FAILED_STARTS = 3;

/** What a runner that starts children is given, besides its sizing. */
export interface SupervisorOptions {
  /** The module its children import to get the app (the CLI passes what `--app` loaded). */
  appModule?: AppModuleRef | undefined;
}

/** Options of every runner that starts child processes or threads. */
export interface SpawningRunnerOptions extends RunnerOptions, SupervisorOptions {
  /** Extra environment variables of child processes. */
  env?: NodeJS.ProcessEnv;
  /** How long stopping waits for children to hand their work back before killing them (default 10 s). */
  stopGraceMs?: number;
}

/**
 * The parent's side of a runner's children (a pool's workers, or a process per invocation):
 * the app-module check, what each child is told at start, registration and heartbeats of the
 * children, hand-back of what a child that exited still owned, and the failed-start limit.
 */
export class ChildSupervisor {
  /** The module the children import (required to run; the CLI sets it from `--app`). */
  appModule: AppModuleRef | undefined;
  private failedStarts = 0;
  private lastFailure = "";
  private lastHeartbeatAt = 0;

  constructor(
    private readonly host: RunnerHost,
    options: SupervisorOptions,
  ) {
    this.appModule = options.appModule;
  }

  /** The app module, or a RunnerError saying how to give one (checked before the runner starts). */
  requireAppModule(): AppModuleRef {
    return requireAppModule(this.host.runnerContext.runnerClass, this.appModule);
  }

  /** What every child gets besides its context: the app module and the parent's run-time config. */
  childInit(): Omit<ChildInit, "context"> {
    return { appModule: this.requireAppModule(), runtimeConfig: runtimeConfigOf(this.host.app) };
  }

  /** Stores a new child's context and its first heartbeat. */
  register(context: RunnerContext): Promise<void> {
    return this.host.registerNewChildRunnerContext(context);
  }

  /**
   * Heartbeats on behalf of the children, with their contexts (an empty context would
   * overwrite the stored one), at most twice per heartbeat interval.
   */
  async reportHeartbeats(entries: ReadonlyArray<{ runnerId: string; context: string }>): Promise<void> {
    const now = Date.now();
    const app = this.host.app;
    if (entries.length === 0 || now - this.lastHeartbeatAt < app.settings.runnerHeartbeatIntervalMs / 2)
      return;
    this.lastHeartbeatAt = now;
    await app.backend.orchestrator.heartbeat(entries, now);
  }

  /** A child is ready: the failed starts in a row are over. */
  noteReady(): void {
    this.failedStarts = 0;
  }

  /** A child exited before it was ready (`how`: its exit, and why when it said so). */
  noteFailedStart(how: string): void {
    this.failedStarts++;
    this.lastFailure = how;
  }

  /** Forgets failed starts (children stopped on purpose). */
  resetFailedStarts(): void {
    this.failedStarts = 0;
  }

  /**
   * Throws a RunnerNotExecutableError (which ends the runner, instead of the loop retrying)
   * once `MAX_FAILED_STARTS` children in a row exited before they were ready: a broken app
   * module or backend would otherwise be retried forever.
   */
  checkFailedStarts(): void {
    if (this.failedStarts < MAX_FAILED_STARTS) return;
    this.failedStarts = 0;
    throw new RunnerNotExecutableError(
      `${this.host.runnerContext.runnerClass} workers exit before they start (last: ${this.lastFailure})`,
    );
  }

  /**
   * A child exited (`how`): the invocations among `invocationIds` it still owns, not final, go
   * back to the queue (KILLED, REROUTED). Failures are logged.
   */
  async handBack(child: RunnerContext, invocationIds: readonly string[], how: string): Promise<void> {
    if (invocationIds.length === 0) return;
    const app = this.host.app;
    try {
      const statuses = await app.backend.orchestrator.getStatuses(invocationIds);
      for (const id of invocationIds) {
        const status = statuses.get(id);
        if (!status || isFinalStatus(status.status) || status.ownerId !== child.runnerId) continue;
        app.logger.warn(`invocation:${id} handed back: its worker ${child.runnerId} exited (${how})`);
        await this.host.killAndReroute(id, child);
      }
    } catch (error) {
      app.logger.error(`runner:${child.runnerId} could not hand back its invocations: ${String(error)}`, {
        error,
      });
    }
  }
}
