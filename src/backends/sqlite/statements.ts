import type BetterSqlite3 from "better-sqlite3";
import { AVAILABLE_STATUSES, FINAL_STATUSES } from "../../status/status-table.js";

type Db = BetterSqlite3.Database;

/** The part of a prepared statement the backend uses. */
export interface Stmt<P extends unknown[], R = unknown> {
  run(...params: P): BetterSqlite3.RunResult;
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/** The status columns of an invocation row (everything a primitive reads before it writes). */
export interface StatusRow {
  row_id: number;
  status: string;
  owner_id: string | null;
  status_ts: number;
  lease_until: number | null;
  not_before: number | null;
  retries: number;
  running_key: string | null;
  running_limit: number;
  reroute: number;
  /** How many invocations wait on this one. */
  waiters: number;
  /** 1 once this invocation recorded waits of its own. */
  waiting: number;
}

/** A row as the claim reads it (by row id, so with its app to check). */
export interface ClaimRow extends StatusRow {
  app_id: string;
  invocation_id: string;
  record: string;
}

/** A row of `listByStatus`. */
export interface ListRow {
  row_id: number;
  invocation_id: string;
  task_id: string;
  status: string;
  owner_id: string | null;
  status_ts: number;
}

/** Named parameters of `updateStatus`. */
export interface StatusUpdate {
  rowId: number;
  status: string;
  owner: string | null;
  ts: number;
  lease: number | null;
  notBefore: number | null;
  finalSeq: number | null;
  retriesInc: number;
  setOutcome: number;
  result: string | null;
  error: string | null;
  /** The history entry appended (see `historyLine`). */
  entry: string;
}

const inList = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(", ");
const AVAILABLE = inList(AVAILABLE_STATUSES);
const FINAL = inList(FINAL_STATUSES);
const STATUS_COLUMNS =
  "row_id, status, owner_id, status_ts, lease_until, not_before, retries, running_key, running_limit, reroute, waiters, waiting";
const INVOCATION_KEY = "app_id = ? AND invocation_id = ?";

/** Every statement of the backend, prepared once per connection. */
export function prepareStatements(db: Db) {
  const p = <P extends unknown[], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  /** A statement returning the first column's value instead of rows. */
  const v = <P extends unknown[], R>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql).pluck();
  return {
    // Registration.
    insertInvocation: p<
      [
        string,
        string,
        string,
        string | null,
        string | null,
        string | null,
        number,
        number,
        number,
        string,
        string,
      ]
    >(
      `INSERT INTO tsnenc_invocations (app_id, invocation_id, task_id, parent_id, registration_key,
        running_key, running_limit, reroute, status, status_ts, history, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'REGISTERED', ?, ?, ?)`,
    ),
    statusOf: p<[string, string], { row_id: number; status: string }>(
      `SELECT row_id, status FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`,
    ),
    waitingWithKey: v<[string, string], string>(
      `SELECT invocation_id FROM tsnenc_invocations
       WHERE app_id = ? AND registration_key = ? AND status IN (${AVAILABLE}) ORDER BY row_id LIMIT 1`,
    ),
    insertQueue: p<[string, number, number]>(
      "INSERT INTO tsnenc_queue (app_id, row_id, available_at) VALUES (?, ?, ?)",
    ),

    // Status reads and writes.
    statusRow: p<[string, string], StatusRow>(
      `SELECT ${STATUS_COLUMNS} FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`,
    ),
    claimRows: p<[string], ClaimRow>(
      `SELECT ${STATUS_COLUMNS}, app_id, invocation_id, record FROM tsnenc_invocations
       WHERE row_id IN (SELECT value FROM json_each(?))`,
    ),
    /** PENDING for a set of rows at once (the claim's common path: same owner, time, lease). */
    claimPending: p<
      [{ rows: string; status: string; owner: string; ts: number; lease: number | null; entry: string }]
    >(
      `UPDATE tsnenc_invocations SET status = @status, owner_id = @owner, status_ts = @ts,
        lease_until = @lease, not_before = NULL, history = history || @entry
       WHERE row_id IN (SELECT value FROM json_each(@rows))`,
    ),
    deleteQueueRows: p<[{ app: string; rows: string }]>(
      "DELETE FROM tsnenc_queue WHERE app_id = @app AND row_id IN (SELECT value FROM json_each(@rows))",
    ),
    deleteQueueSeqs: p<[string]>("DELETE FROM tsnenc_queue WHERE seq IN (SELECT value FROM json_each(?))"),
    /** By row id (what the queue and the waited-on index hold); the caller checks the app. */
    claimRow: p<[number], ClaimRow>(
      `SELECT ${STATUS_COLUMNS}, app_id, invocation_id, record FROM tsnenc_invocations WHERE row_id = ?`,
    ),
    updateStatus: p<[StatusUpdate]>(
      `UPDATE tsnenc_invocations SET status = @status, owner_id = @owner, status_ts = @ts,
        lease_until = @lease, not_before = @notBefore, final_seq = @finalSeq,
        retries = retries + @retriesInc,
        result = CASE WHEN @setOutcome THEN @result ELSE result END,
        error = CASE WHEN @setOutcome THEN @error ELSE error END,
        history = history || @entry
       WHERE row_id = @rowId`,
    ),
    setFinalSeq: p<[number]>("UPDATE tsnenc_meta SET value = ? WHERE key = 'final_seq'"),
    currentFinalSeq: v<[], number>("SELECT value FROM tsnenc_meta WHERE key = 'final_seq'"),
    finalsSince: p<[string, number, number], { invocation_id: string; final_seq: number }>(
      `SELECT invocation_id, final_seq FROM tsnenc_invocations
       WHERE app_id = ? AND final_seq > ? ORDER BY final_seq LIMIT ?`,
    ),

    // Claim.
    expiredLeases: v<[string, number], string>(
      "SELECT invocation_id FROM tsnenc_invocations WHERE app_id = ? AND lease_until <= ? ORDER BY lease_until",
    ),
    waitedOn: v<[{ app: string; now: number; max: number }], number>(
      `SELECT i.row_id FROM tsnenc_invocations i INDEXED BY tsnenc_invocations_waited
       WHERE i.app_id = @app AND i.status IN (${AVAILABLE}) AND i.waiters > 0
         AND (i.not_before IS NULL OR i.not_before <= @now)
         AND EXISTS (SELECT 1 FROM tsnenc_queue q INDEXED BY tsnenc_queue_invocation
                     WHERE q.app_id = @app AND q.row_id = i.row_id AND q.available_at <= @now)
       ORDER BY i.waiters DESC, i.row_id DESC LIMIT @max`,
    ),
    dueQueue: p<[string, number, number], { seq: number; row_id: number }>(
      `SELECT seq, row_id FROM tsnenc_queue WHERE app_id = ? AND available_at <= ?
       ORDER BY available_at, seq LIMIT ?`,
    ),
    deleteQueueOf: p<[string, number]>("DELETE FROM tsnenc_queue WHERE app_id = ? AND row_id = ?"),

    // Running concurrency.
    countSlots: v<[string, string], number>(
      "SELECT COUNT(*) FROM tsnenc_slots WHERE app_id = ? AND running_key = ?",
    ),
    insertSlot: p<[string, string, string]>(
      "INSERT OR IGNORE INTO tsnenc_slots (app_id, running_key, invocation_id) VALUES (?, ?, ?)",
    ),
    deleteSlot: p<[string, string, string]>(
      "DELETE FROM tsnenc_slots WHERE app_id = ? AND running_key = ? AND invocation_id = ?",
    ),
    insertParked: p<[string, string, string]>(
      "INSERT INTO tsnenc_parked (app_id, running_key, invocation_id) VALUES (?, ?, ?)",
    ),
    oldestParked: p<[string, string], { seq: number; invocation_id: string }>(
      "SELECT seq, invocation_id FROM tsnenc_parked WHERE app_id = ? AND running_key = ? ORDER BY seq LIMIT 1",
    ),
    deleteParkedSeq: p<[number]>("DELETE FROM tsnenc_parked WHERE seq = ?"),
    isParked: v<[string, string], number>(`SELECT 1 FROM tsnenc_parked WHERE ${INVOCATION_KEY} LIMIT 1`),

    // Waits.
    insertWait: p<[{ app: string; waited: string; waiter: string }]>(
      `INSERT OR IGNORE INTO tsnenc_waits (app_id, waited_id, waiter_id)
       SELECT @app, @waited, @waiter WHERE @waited <> @waiter AND EXISTS (SELECT 1 FROM tsnenc_invocations
         WHERE app_id = @app AND invocation_id = @waited AND status NOT IN (${FINAL}))`,
    ),
    markWaiting: p<[string, string]>(
      `UPDATE tsnenc_invocations SET waiting = 1 WHERE ${INVOCATION_KEY} AND waiting = 0`,
    ),
    addWaiter: p<[string, string]>(
      `UPDATE tsnenc_invocations SET waiters = waiters + 1 WHERE ${INVOCATION_KEY}`,
    ),
    /** The waits on a final invocation: gone, and it leaves the waited-on index. */
    deleteWaitsOfWaited: p<[string, string]>("DELETE FROM tsnenc_waits WHERE app_id = ? AND waited_id = ?"),
    clearWaiters: p<[string, string]>(
      `UPDATE tsnenc_invocations SET waiters = 0 WHERE ${INVOCATION_KEY} AND waiters <> 0`,
    ),
    /** The waits of a final waiter: each invocation it waited on has one waiter less. */
    releaseWaitedBy: p<[{ app: string; waiter: string }]>(
      `UPDATE tsnenc_invocations SET waiters = waiters - 1 WHERE app_id = @app AND invocation_id IN
         (SELECT waited_id FROM tsnenc_waits WHERE app_id = @app AND waiter_id = @waiter)`,
    ),
    deleteWaitsOfWaiter: p<[string, string]>("DELETE FROM tsnenc_waits WHERE app_id = ? AND waiter_id = ?"),

    // Queries.
    statusesOf: p<
      [string, string],
      { invocation_id: string; status: string; owner_id: string | null; status_ts: number }
    >(
      `SELECT invocation_id, status, owner_id, status_ts FROM tsnenc_invocations
       WHERE app_id = ? AND invocation_id IN (SELECT value FROM json_each(?))`,
    ),
    retriesOf: v<[string, string], number>(`SELECT retries FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`),
    ownerOf: v<[string, string], string | null>(
      `SELECT owner_id FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`,
    ),
    renewLease: p<[number, string, string]>(
      `UPDATE tsnenc_invocations SET lease_until = ? WHERE ${INVOCATION_KEY} AND lease_until IS NOT NULL`,
    ),
    heartbeat: p<[{ app: string; runner: string; context: string; now: number }]>(
      `INSERT INTO tsnenc_runners (app_id, runner_id, context, first_seen, last_seen)
       VALUES (@app, @runner, @context, @now, @now)
       ON CONFLICT (app_id, runner_id) DO UPDATE SET context = excluded.context, last_seen = excluded.last_seen`,
    ),
    activeRunners: p<
      [string, number],
      { runner_id: string; context: string; first_seen: number; last_seen: number }
    >(
      `SELECT runner_id, context, first_seen, last_seen FROM tsnenc_runners
       WHERE app_id = ? AND last_seen >= ? ORDER BY first_seen, rowid`,
    ),
    listByStatus: p<
      [{ app: string; status: string; task: string | null; since: number; until: number; limit: number }],
      ListRow
    >(
      `SELECT row_id, invocation_id, task_id, status, owner_id, status_ts FROM tsnenc_invocations
       WHERE app_id = @app AND status = @status AND status_ts BETWEEN @since AND @until
         AND (@task IS NULL OR task_id = @task)
       ORDER BY status_ts DESC, row_id LIMIT @limit`,
    ),

    countByStatus: p<[string], { status: string; n: number }>(
      `SELECT status, COUNT(*) AS n FROM tsnenc_invocations WHERE app_id = ? GROUP BY status`,
    ),

    // State backend.
    record: v<[string, string], string>(`SELECT record FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`),
    history: v<[string, string], string>(`SELECT history FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`),
    outcome: p<[string, string], { result: string | null; error: string | null }>(
      `SELECT result, error FROM tsnenc_invocations WHERE ${INVOCATION_KEY}`,
    ),
    children: v<[string, string], string>(
      "SELECT invocation_id FROM tsnenc_invocations WHERE app_id = ? AND parent_id = ? ORDER BY row_id",
    ),
    putRunnerContext: p<[string, string, string]>(
      `INSERT INTO tsnenc_runner_contexts (app_id, runner_id, context) VALUES (?, ?, ?)
       ON CONFLICT (app_id, runner_id) DO UPDATE SET context = excluded.context`,
    ),
    runnerContext: v<[string, string], string>(
      "SELECT context FROM tsnenc_runner_contexts WHERE app_id = ? AND runner_id = ?",
    ),

    // Broker and client data.
    queueSize: v<[string], number>("SELECT COUNT(*) FROM tsnenc_queue WHERE app_id = ?"),
    nextDueAt: v<[string], number | null>("SELECT MIN(available_at) FROM tsnenc_queue WHERE app_id = ?"),
    putClientData: p<[string, string, string]>(
      "INSERT OR IGNORE INTO tsnenc_client_data (app_id, key, value) VALUES (?, ?, ?)",
    ),
    clientData: v<[string, string], string>(
      "SELECT value FROM tsnenc_client_data WHERE app_id = ? AND key = ?",
    ),

    dataVersion: v<[], number>("PRAGMA data_version"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

/** `DELETE FROM <table> WHERE app_id = ?` for each table (purge). */
export function preparePurge(db: Db, tables: readonly string[]): Array<Stmt<[string]>> {
  return tables.map((table) => db.prepare<[string]>(`DELETE FROM ${table} WHERE app_id = ?`));
}
