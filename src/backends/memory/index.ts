import type { Backend } from "../contract/index.js";
import { MemoryBroker } from "./broker.js";
import { MemoryClientDataStore } from "./client-data-store.js";
import { MemoryOrchestrator } from "./orchestrator.js";
import { MemoryStateBackend } from "./state-backend.js";
import { acquireMemoryStore } from "./store.js";

/**
 * The memory backend: the reference implementation of every contract, for tests and
 * single-process use. Every backend of the same app id in one process shares one store, which
 * is dropped when the last of them is closed.
 */
export function createMemoryBackend(options: { appId: string }): Backend {
  const { store, release } = acquireMemoryStore(options.appId);
  return {
    kind: "memory",
    capabilities: { sharedAcrossProcesses: false, pushesWakeups: true },
    orchestrator: new MemoryOrchestrator(store),
    broker: new MemoryBroker(store),
    stateBackend: new MemoryStateBackend(store),
    clientDataStore: new MemoryClientDataStore(store),
    async purge() {
      store.clear();
    },
    async close() {
      release();
    },
  };
}
