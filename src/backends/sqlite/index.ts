import type { Backend } from "../contract/index.js";
import { SqliteBroker } from "./broker.js";
import { SqliteClientDataStore } from "./client-data-store.js";
import { acquireConnection } from "./connection.js";
import { SqliteOrchestrator } from "./orchestrator.js";
import { SqliteStateBackend } from "./state-backend.js";
import type { AppContext } from "./writes.js";

export { defaultSqlitePath } from "./connection.js";

/**
 * The SQLite backend: every contract over one database file that any number of processes and
 * apps share (rows are keyed by app id). One connection per file per process, in WAL mode;
 * every mutation is atomic inside a BEGIN IMMEDIATE transaction, the mutations called in one
 * turn of the event loop sharing one commit (WriteBatcher). Changes of other processes are
 * noticed by polling (AppHub). An empty `path` means `.tsnenc/tsnenc.db` under the working
 * directory.
 */
export function createSqliteBackend(options: { appId: string; path: string }): Backend {
  const { connection, release } = acquireConnection(options.path);
  const ctx: AppContext = {
    conn: connection,
    st: connection.st,
    maint: connection.maint,
    appId: options.appId,
    hub: connection.hub(options.appId),
  };
  const orchestrator = new SqliteOrchestrator(ctx);
  const broker = new SqliteBroker(ctx);
  let closed = false;
  return {
    kind: "sqlite",
    capabilities: { sharedAcrossProcesses: true, pushesWakeups: false },
    orchestrator,
    broker,
    stateBackend: new SqliteStateBackend(ctx),
    clientDataStore: new SqliteClientDataStore(ctx),
    purge() {
      return connection.purge(options.appId, "all");
    },
    async close() {
      if (closed) return;
      closed = true;
      orchestrator.close();
      broker.close();
      release();
    },
  };
}
