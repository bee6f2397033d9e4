import { FINAL_STATUSES, STATUS_TABLE } from "../../status/status-table.js";
import { ALL_STATUSES } from "../../status/statuses.js";
import type { OrphanedInvocation } from "../contract/records.js";
import type { RedisKeys } from "./keys.js";
import { asStrings, statusRecord } from "./replies.js";
import type { RedisScripts } from "./scripts.js";

const OWNED_STATUSES = ALL_STATUSES.filter((status) => STATUS_TABLE[status].requiresOwnership);

/**
 * Recovery and retention primitives of the orchestrator (findOrphans, acquireServiceLease,
 * purgeFinalBefore), each one script over the status indexes; never a scan of the keyspace.
 */
export class RedisMaintenance {
  constructor(
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
  ) {}

  async findOrphans(request: {
    aliveSince: number;
    now: number;
    limit: number;
  }): Promise<OrphanedInvocation[]> {
    if (request.limit <= 0) return [];
    const keys = [
      this.keys.leases,
      this.keys.runnersLastSeen,
      ...OWNED_STATUSES.map((status) => this.keys.statusIndex(status)),
    ];
    const arg = JSON.stringify({
      base: this.keys.base,
      aliveSince: request.aliveSince,
      now: request.now,
      limit: Math.floor(request.limit),
    });
    const reply = asStrings(await this.scripts.run("findOrphans", keys, arg), "findOrphans");
    const orphans: OrphanedInvocation[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      orphans.push({
        invocationId: reply[i] ?? "",
        status: statusRecord(reply[i + 1], reply[i + 2], reply[i + 3], "findOrphans"),
      });
    }
    return orphans;
  }

  async acquireServiceLease(request: {
    service: string;
    runnerId: string;
    ttlMs: number;
    now: number;
  }): Promise<boolean> {
    const arg = JSON.stringify({
      base: this.keys.base,
      runner: request.runnerId,
      ttl: request.ttlMs,
      now: request.now,
    });
    return (await this.scripts.run("serviceLease", [this.keys.serviceLease(request.service)], arg)) === 1;
  }

  async purgeFinalBefore(request: { before: number; limit: number }): Promise<number> {
    if (request.limit <= 0) return 0;
    const keys = FINAL_STATUSES.map((status) => this.keys.statusIndex(status));
    const arg = JSON.stringify({
      base: this.keys.base,
      before: request.before,
      limit: Math.floor(request.limit),
    });
    return Number(await this.scripts.run("purgeFinal", keys, arg));
  }
}
