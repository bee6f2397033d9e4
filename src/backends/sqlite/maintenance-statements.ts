import type BetterSqlite3 from "better-sqlite3";
import { STATUS_TABLE } from "../../status/status-table.js";
import { ALL_STATUSES } from "../../status/statuses.js";
import type { Stmt } from "./statements.js";

const OWNED = ALL_STATUSES.filter((s) => STATUS_TABLE[s].requiresOwnership)
  .map((s) => `'${s}'`)
  .join(", ");

/** Statements of recovery, service leases and retention, prepared once per connection. */
export function prepareMaintenance(db: BetterSqlite3.Database) {
  const p = <P extends unknown[], R = unknown>(sql: string): Stmt<P, R> => db.prepare<P, R>(sql);
  return {
    orphans: p<
      [{ app: string; aliveSince: number; now: number; limit: number }],
      { invocation_id: string; status: string; owner_id: string | null; status_ts: number }
    >(
      `SELECT i.invocation_id, i.status, i.owner_id, i.status_ts FROM tsnenc_invocations i
       LEFT JOIN tsnenc_runners r ON r.app_id = i.app_id AND r.runner_id = i.owner_id
       WHERE i.app_id = @app AND i.status IN (${OWNED})
         AND (r.runner_id IS NULL OR r.last_seen < @aliveSince
              OR (i.status = 'PENDING' AND i.lease_until < @now))
       ORDER BY i.status_ts, i.row_id LIMIT @limit`,
    ),
    serviceLease: p<[{ app: string; service: string; runner: string; until: number; now: number }]>(
      `INSERT INTO tsnenc_service_leases (app_id, service, runner_id, until)
       VALUES (@app, @service, @runner, @until)
       ON CONFLICT (app_id, service) DO UPDATE SET runner_id = excluded.runner_id, until = excluded.until
       WHERE tsnenc_service_leases.runner_id = excluded.runner_id OR tsnenc_service_leases.until <= @now`,
    ),
    finalBefore: p<
      [{ app: string; status: string; before: number; limit: number }],
      { row_id: number; invocation_id: string; status_ts: number }
    >(
      `SELECT row_id, invocation_id, status_ts FROM tsnenc_invocations
       WHERE app_id = @app AND status = @status AND status_ts < @before
       ORDER BY status_ts, row_id LIMIT @limit`,
    ),
    deleteRow: p<[number]>("DELETE FROM tsnenc_invocations WHERE row_id = ?"),
    deleteParkedOf: p<[string, string]>("DELETE FROM tsnenc_parked WHERE app_id = ? AND invocation_id = ?"),
  };
}

export type MaintenanceStatements = ReturnType<typeof prepareMaintenance>;
