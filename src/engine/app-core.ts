import type { Backend } from "../backends/contract/index.js";
import type { ClientDataCodec } from "../client-data/index.js";
import type { AppConfig } from "../config/index.js";
import type { RunnerHandle } from "../context/execution-context.js";
import type { ErrorClass } from "../errors/errors.js";
import type { Logger } from "../logging/logger.js";
import type { Serializer } from "../serializer/contract.js";
import type { FinalityWatcher } from "./finality-watcher.js";
import type { TaskDefinition } from "./task-definition.js";

/** The timing settings the engine reads; the app's resolved config provides them. */
export interface EngineSettings {
  readonly invocationLeaseMs: number;
  readonly runnerHeartbeatIntervalMs: number;
  readonly runnerIdlePollMs: number;
  readonly resultWaitSafetyPollMs: number;
  readonly maxConcurrency: number;
  readonly runnerConsideredDeadAfterMs: number;
  readonly finalInvocationRetentionMs: number;
  readonly globalServiceIntervalMs: number;
}

/**
 * The part of the app's config runners and their children use: their sizing settings (with
 * where each value comes from), and the run-time assignments a parent passes to its children.
 */
export type RunnerConfig = Pick<AppConfig, "get" | "set" | "sourceOf" | "runtimeValues">;

/**
 * What the engine needs of an app. The `Tsnenc` class implements it; engine modules depend on
 * this interface only, so they never import the app class.
 */
export interface AppCore {
  readonly appId: string;
  readonly backend: Backend;
  readonly serializer: Serializer;
  /** Serializes values, keeping large ones once in the client data store. */
  readonly clientData: ClientDataCodec;
  readonly logger: Logger;
  readonly finality: FinalityWatcher;
  readonly settings: EngineSettings;
  /** The app's config, as runners read it. */
  readonly conf: RunnerConfig;
  /** The task registered under `taskId`, if any. */
  getTaskDefinition(taskId: string): TaskDefinition | undefined;
  /** Ids of the registered tasks. */
  knownTaskIds(): Iterable<string>;
  /** Error classes the app can rebuild by name. */
  knownErrorClasses(): ReadonlyMap<string, ErrorClass>;
  /** Modules a runner imports at start (config `triggerTaskModules`). */
  readonly triggerTaskModules: readonly string[];
  /** Runner id recorded for registrations made outside any runner. */
  readonly externalRunnerId: string;
  /** A runner of this process started (`running`) or stopped: while it runs, it is `app.runner`. */
  setRunningRunner(runner: RunnerHandle, running: boolean): void;
}
