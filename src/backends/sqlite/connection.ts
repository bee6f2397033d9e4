import { mkdirSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { ConfigError } from "../../errors/errors.js";
import { WriteBatcher } from "./batcher.js";
import { type MaintenanceStatements, prepareMaintenance } from "./maintenance-statements.js";
import { AppHub, type Effects } from "./notifier.js";
import { APP_TABLES, migrate } from "./schema.js";
import { preparePurge, prepareStatements, type Statements } from "./statements.js";

/** Waits this long for another process's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 30_000;

const pause = new Int32Array(new SharedArrayBuffer(4));

let database: typeof BetterSqlite3 | undefined;

/**
 * better-sqlite3, loaded when the first SQLite file is opened: an app on another backend never
 * loads the native module (about 4 MB of a process's memory).
 */
function openDatabase(path: string, options: BetterSqlite3.Options): BetterSqlite3.Database {
  if (!database) {
    try {
      database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(
        "backend",
        `the sqlite backend needs the 'better-sqlite3' package (npm install better-sqlite3@12): ${reason}`,
      );
    }
  }
  return new database(path, options);
}

/**
 * Switches the file to WAL. Converting a new file takes an exclusive lock, and when two
 * processes open the new file at the same moment SQLite answers SQLITE_BUSY at once (the busy
 * timeout does not apply: waiting could deadlock), so this waits a little and tries again.
 */
function enableWal(db: BetterSqlite3.Database): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let waitMs = 1; ; waitMs = Math.min(waitMs * 2, 50)) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== "string" || !code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, waitMs);
    }
  }
}

/** The database file used when config `sqlitePath` is empty. */
export function defaultSqlitePath(cwd: string = process.cwd()): string {
  return join(cwd, ".tsnenc", "tsnenc.db");
}

/**
 * The absolute path of the database file (its folder created), the key connections are shared
 * by. An empty path means the default file; `:memory:` is kept as is.
 */
export function resolveSqlitePath(path: string): string {
  if (path === ":memory:") return path;
  const absolute = resolve(path === "" ? defaultSqlitePath() : path);
  mkdirSync(dirname(absolute), { recursive: true });
  return join(realpathSync(dirname(absolute)), basename(absolute));
}

/**
 * One connection to one database file, shared by every backend of the process that uses the
 * file: WAL, a busy timeout, statements prepared once, and one notification hub per app.
 */
export class SqliteConnection {
  readonly db: BetterSqlite3.Database;
  readonly st: Statements;
  readonly maint: MaintenanceStatements;
  private readonly purgeOrchestratorStmts: ReturnType<typeof preparePurge>;
  private readonly purgeClientDataStmts: ReturnType<typeof preparePurge>;
  private readonly purgeQueueStmts: ReturnType<typeof preparePurge>;
  private readonly hubs = new Map<string, AppHub>();
  private readonly batcher: WriteBatcher;
  /** The final sequence allocated in the current group commit (written back at its end). */
  private finalSeq: number | null = null;

  constructor(readonly path: string) {
    this.db = openDatabase(path, { timeout: BUSY_TIMEOUT_MS });
    try {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      enableWal(this.db);
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("temp_store = MEMORY");
      this.db.pragma("cache_size = -16000");
      migrate(this.db, path);
      this.st = prepareStatements(this.db);
      this.maint = prepareMaintenance(this.db);
      this.purgeOrchestratorStmts = preparePurge(this.db, APP_TABLES.orchestrator);
      this.purgeClientDataStmts = preparePurge(this.db, APP_TABLES.clientData);
      this.purgeQueueStmts = preparePurge(this.db, ["tsnenc_queue"]);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.batcher = new WriteBatcher(this.db, {
      begin: () => {
        this.finalSeq = null;
      },
      end: () => {
        if (this.finalSeq !== null) this.st.setFinalSeq.run(this.finalSeq);
        this.finalSeq = null;
      },
    });
  }

  /**
   * Runs a write primitive in the next group commit (see WriteBatcher): atomic on its own,
   * settled and its effects published on `hub` once committed.
   */
  write<T>(hub: AppHub, run: (effects: Effects) => T, savepoint = true, last = false): Promise<T> {
    return this.batcher.write(hub, run, savepoint, last);
  }

  /**
   * Runs a read now, on the committed state (a write called before it and not yet committed
   * is not seen: callers await writes before reading what they wrote).
   */
  read<T>(run: () => T): Promise<T> {
    try {
      return Promise.resolve(run());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The next final sequence number (global to the file, increasing in commit order): read once
   * per group commit, counted in memory, written back before the commit.
   */
  nextFinalSeq(): number {
    this.finalSeq = (this.finalSeq ?? this.st.currentFinalSeq.get() ?? 0) + 1;
    return this.finalSeq;
  }

  /** The notification hub of an app on this connection. */
  hub(appId: string): AppHub {
    let hub = this.hubs.get(appId);
    if (!hub) {
      hub = new AppHub(this.st, appId);
      this.hubs.set(appId, hub);
    }
    return hub;
  }

  /** Deletes the app's rows: `what` selects the orchestrator's, the client data's, the queue's. */
  purge(appId: string, what: "orchestrator" | "clientData" | "queue" | "all"): Promise<void> {
    const stmts =
      what === "orchestrator"
        ? this.purgeOrchestratorStmts
        : what === "clientData"
          ? this.purgeClientDataStmts
          : what === "queue"
            ? this.purgeQueueStmts
            : [...this.purgeOrchestratorStmts, ...this.purgeClientDataStmts];
    return this.write(this.hub(appId), () => {
      for (const stmt of stmts) stmt.run(appId);
    });
  }

  close(): void {
    this.batcher.flush();
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
    if (this.db.open) this.db.close();
  }
}

const connections = new Map<string, { connection: SqliteConnection; users: number }>();

/**
 * The process-wide connection to the file at `path` (one per file), opened and migrated on
 * first use and closed when the last user releases it.
 */
export function acquireConnection(path: string): { connection: SqliteConnection; release: () => void } {
  const key = resolveSqlitePath(path);
  let entry = connections.get(key);
  if (!entry) {
    entry = { connection: new SqliteConnection(key), users: 0 };
    connections.set(key, entry);
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    connection: held.connection,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users > 0) return;
      if (connections.get(key) === held) connections.delete(key);
      held.connection.close();
    },
  };
}
