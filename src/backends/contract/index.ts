import type { Broker } from "./broker.js";
import type { ClientDataStore } from "./client-data-store.js";
import type { OrchestratorStore } from "./orchestrator.js";
import type { StateBackend } from "./state-backend.js";

export type * from "./broker.js";
export type * from "./client-data-store.js";
export type * from "./orchestrator.js";
export type * from "./records.js";
export type * from "./state-backend.js";

/** What a backend can do, declared by it (runners and the app read these, never its name). */
export interface BackendCapabilities {
  /**
   * Several processes (and worker threads) can use the same store at once. Runners that
   * execute in children (threads, processes) need it; a runner whose `memCompatible()` is
   * false is refused on a backend without it.
   */
  readonly sharedAcrossProcesses: boolean;
  /**
   * Wake-ups (new work, final invocations) reach other processes by push (pub/sub, NOTIFY)
   * rather than by polling the store.
   */
  readonly pushesWakeups: boolean;
}

/** One app's view of a backend: the four contracts over one store, isolated by app id. */
export interface Backend {
  /** The backend's name (`memory`, `sqlite`, `redis`, or a user backend's own): for logs only. */
  readonly kind: string;
  readonly capabilities: BackendCapabilities;
  readonly orchestrator: OrchestratorStore;
  readonly broker: Broker;
  readonly stateBackend: StateBackend;
  readonly clientDataStore: ClientDataStore;
  /** Deletes everything this app stored. */
  purge(): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
