import type { Broker } from "./broker.js";
import type { ClientDataStore } from "./client-data-store.js";
import type { OrchestratorStore } from "./orchestrator.js";
import type { StateBackend } from "./state-backend.js";

export type * from "./broker.js";
export type * from "./client-data-store.js";
export type * from "./orchestrator.js";
export type * from "./records.js";
export type * from "./state-backend.js";

/** One app's view of a backend: the four contracts over one store, isolated by app id. */
export interface Backend {
  readonly kind: string;
  readonly orchestrator: OrchestratorStore;
  readonly broker: Broker;
  readonly stateBackend: StateBackend;
  readonly clientDataStore: ClientDataStore;
  /** Deletes everything this app stored. */
  purge(): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
