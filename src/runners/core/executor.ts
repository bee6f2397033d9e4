import type { RunnerHandle } from "../../context/execution-context.js";
import type { AppCore } from "../../engine/app-core.js";
import type { Logger } from "../../logging/logger.js";
import type { AppModuleRef } from "../child/app-module.js";
import type { RunnerContext } from "../runner-context.js";

/**
 * What the runner core lends its executor: the app, who the runner is, whether its loop is
 * running, and the core's own steps an executor reuses (hand-back, child registration).
 */
export interface RunnerHost {
  readonly app: AppCore;
  readonly logger: Logger;
  readonly runnerContext: RunnerContext;
  readonly runnerId: string;
  /** The runner itself, as tasks see it (`app.runner` inside a task). */
  readonly handle: RunnerHandle;
  /** True while the loop runs (false once a stop was asked for). */
  readonly isRunning: boolean;
  /** How long the loop may wait idle before the global services are due again. */
  msUntilServicesDue(): number;
  /** Moves an invocation held by `runnerCtx` (default: this runner) to KILLED, then REROUTED. */
  killAndReroute(invocationId: string, runnerCtx?: RunnerContext): Promise<void>;
  /** Stores a new worker's context and its first heartbeat. */
  registerNewChildRunnerContext(context: RunnerContext): Promise<void>;
}

/**
 * How a runner executes what it claims: in this process, in a pool of workers, or in one
 * process per invocation. The runner core owns the loop, heartbeats, signals, global services
 * and the life cycle; it calls these steps at their points.
 */
export interface RunnerExecutor {
  /** How many invocations the runner executes at once. */
  readonly maxParallelSlots: number;
  /** Executors that start children: what the children import (their supervisor). */
  readonly supervisor?: { appModule: AppModuleRef | undefined };
  /** Ids of the live workers (child processes, threads); empty when it has none. */
  childRunnerIds(): string[];
  /** Checks and resets before the runner registers itself (throws to refuse the start). */
  prepare(): void;
  /** Starts after the runner registered itself and its first heartbeat. */
  start(): Promise<void>;
  /** One pass of the loop: claim and start work, or wait for some. */
  iteration(): Promise<void>;
  /** Waits until `resultInvocationIds` are final; pauses `runningInvocationId` when it holds it. */
  waitingForResults(
    runningInvocationId: string | null,
    resultInvocationIds: readonly string[],
  ): Promise<void>;
  /** The task body of an invocation ended (see `RunnerHandle.settleWaits`). */
  settleWaits?(invocationId: string): Promise<void> | undefined;
  /** The loop was asked to stop: wake whatever it waits on. */
  wake(): void;
  /** After the loop exited: hand back held work, stop workers. */
  stop(): Promise<void>;
  /** With each heartbeat of the runner (lease renewal, workers' heartbeats). */
  onHeartbeat(): Promise<void>;
  /** Before each loop iteration: heartbeats on behalf of the workers. */
  reportChildHeartbeats(): Promise<void>;
  /** Lines for the shutdown diagnostics. */
  shutdownDetails(): string[];
}
