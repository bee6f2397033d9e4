import type BetterSqlite3 from "better-sqlite3";
import { StateBackendError } from "../../errors/errors.js";

/**
 * The schema of the SQLite backend. Every table is shared by all apps of the file: `app_id`
 * leads every primary key and index, so an app only ever reads and deletes its own rows.
 * Status, outcome, history and record share one row per invocation, so a transition writes
 * one row (plus the index entries its status moves); the history is appended to the row as
 * one JSON line per entry, and the serialized record is the last column so reads of the
 * status columns skip it. Queue entries refer to an invocation by its integer `row_id`
 * (registration order), so the entries a batch of primitives touches sit together in their
 * index (few pages per commit) instead of being scattered by random invocation ids.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE tsnenc_invocations (
  row_id INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  invocation_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  parent_id TEXT,
  registration_key TEXT,
  running_key TEXT,
  running_limit INTEGER NOT NULL DEFAULT 1,
  reroute INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL,
  owner_id TEXT,
  status_ts INTEGER NOT NULL,
  lease_until INTEGER,
  not_before INTEGER,
  retries INTEGER NOT NULL DEFAULT 0,
  waiters INTEGER NOT NULL DEFAULT 0,
  waiting INTEGER NOT NULL DEFAULT 0,
  final_seq INTEGER,
  result TEXT,
  error TEXT,
  history TEXT NOT NULL,
  record TEXT NOT NULL,
  UNIQUE (app_id, invocation_id)
);
CREATE INDEX tsnenc_invocations_status ON tsnenc_invocations (app_id, status, status_ts);
CREATE INDEX tsnenc_invocations_lease ON tsnenc_invocations (app_id, lease_until)
  WHERE lease_until IS NOT NULL;
CREATE INDEX tsnenc_invocations_parent ON tsnenc_invocations (app_id, parent_id)
  WHERE parent_id IS NOT NULL;
CREATE INDEX tsnenc_invocations_registration ON tsnenc_invocations (app_id, registration_key)
  WHERE registration_key IS NOT NULL;
CREATE INDEX tsnenc_invocations_waited ON tsnenc_invocations (app_id, status, waiters)
  WHERE waiters > 0;
CREATE INDEX tsnenc_invocations_final ON tsnenc_invocations (app_id, final_seq)
  WHERE final_seq IS NOT NULL;

CREATE TABLE tsnenc_queue (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  available_at INTEGER NOT NULL
);
CREATE INDEX tsnenc_queue_due ON tsnenc_queue (app_id, available_at);
CREATE INDEX tsnenc_queue_invocation ON tsnenc_queue (app_id, row_id);

CREATE TABLE tsnenc_waits (
  app_id TEXT NOT NULL,
  waited_id TEXT NOT NULL,
  waiter_id TEXT NOT NULL,
  PRIMARY KEY (app_id, waited_id, waiter_id)
) WITHOUT ROWID;
CREATE INDEX tsnenc_waits_waiter ON tsnenc_waits (app_id, waiter_id);

CREATE TABLE tsnenc_slots (
  app_id TEXT NOT NULL,
  running_key TEXT NOT NULL,
  invocation_id TEXT NOT NULL,
  PRIMARY KEY (app_id, running_key, invocation_id)
) WITHOUT ROWID;

CREATE TABLE tsnenc_parked (
  seq INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  running_key TEXT NOT NULL,
  invocation_id TEXT NOT NULL
);
CREATE INDEX tsnenc_parked_key ON tsnenc_parked (app_id, running_key);
CREATE INDEX tsnenc_parked_invocation ON tsnenc_parked (app_id, invocation_id);

CREATE TABLE tsnenc_runners (
  app_id TEXT NOT NULL,
  runner_id TEXT NOT NULL,
  context TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (app_id, runner_id)
);
CREATE INDEX tsnenc_runners_seen ON tsnenc_runners (app_id, last_seen);

CREATE TABLE tsnenc_service_leases (
  app_id TEXT NOT NULL,
  service TEXT NOT NULL,
  runner_id TEXT NOT NULL,
  until INTEGER NOT NULL,
  PRIMARY KEY (app_id, service)
);

CREATE TABLE tsnenc_runner_contexts (
  app_id TEXT NOT NULL,
  runner_id TEXT NOT NULL,
  context TEXT NOT NULL,
  PRIMARY KEY (app_id, runner_id)
);

CREATE TABLE tsnenc_client_data (
  app_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (app_id, key)
);

CREATE TABLE tsnenc_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO tsnenc_meta (key, value) VALUES ('final_seq', 0);
`,
  },
];

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Every table holding rows of an app (purge deletes from each). */
export const APP_TABLES = {
  orchestrator: [
    "tsnenc_invocations",
    "tsnenc_queue",
    "tsnenc_waits",
    "tsnenc_slots",
    "tsnenc_parked",
    "tsnenc_runners",
    "tsnenc_runner_contexts",
    "tsnenc_service_leases",
  ],
  clientData: ["tsnenc_client_data"],
} as const;

function readVersion(db: BetterSqlite3.Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tsnenc_schema'")
    .pluck()
    .get();
  if (table === undefined) return 0;
  const version = db.prepare("SELECT version FROM tsnenc_schema WHERE id = 1").pluck().get();
  return typeof version === "number" ? version : 0;
}

function checkNotNewer(version: number, path: string): void {
  if (version > SCHEMA_VERSION) {
    throw new StateBackendError(
      `SQLite database ${path} has schema version ${version}, newer than this tsnenc (${SCHEMA_VERSION})`,
    );
  }
}

/**
 * Brings the database to SCHEMA_VERSION. The migrations run once, under the write lock: the
 * version is read again inside BEGIN IMMEDIATE, so processes opening a new file together
 * apply each migration exactly once.
 */
export function migrate(db: BetterSqlite3.Database, path: string): void {
  const seen = readVersion(db);
  checkNotNewer(seen, path);
  if (seen === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(
      "CREATE TABLE IF NOT EXISTS tsnenc_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
    );
    const current = readVersion(db);
    checkNotNewer(current, path);
    if (current === SCHEMA_VERSION) return;
    for (const migration of MIGRATIONS) {
      if (migration.version > current) db.exec(migration.sql);
    }
    db.prepare(
      "INSERT INTO tsnenc_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version",
    ).run(SCHEMA_VERSION);
  }).immediate();
}
