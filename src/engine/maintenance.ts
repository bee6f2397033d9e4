import { InvocationStatusError } from "../errors/errors.js";
import { InvocationStatus } from "../status/statuses.js";
import type { AppCore } from "./app-core.js";

const S = InvocationStatus;
/** The global service that keeps the app healthy; one runner at a time runs it, under a lease. */
export const MAINTENANCE_SERVICE = "maintenance";
const BATCH = 500;

/**
 * Hands back the work of runners that stopped heartbeating (and of PENDING claims whose lease
 * expired): PENDING -> PENDING_RECOVERY, RUNNING/PAUSED/RESUMED -> RUNNING_RECOVERY, then
 * REROUTED and queued. Each step compares the full status record, so work whose owner moved on
 * meanwhile is left alone. Returns how many invocations were recovered.
 */
export async function recoverOrphans(app: AppCore, runnerId: string, now: number): Promise<number> {
  const orchestrator = app.backend.orchestrator;
  const aliveSince = now - app.settings.runnerConsideredDeadAfterMs;
  const orphans = await orchestrator.findOrphans({ aliveSince, now, limit: BATCH });
  let recovered = 0;
  for (const { invocationId, status } of orphans) {
    const to = status.status === S.PENDING ? S.PENDING_RECOVERY : S.RUNNING_RECOVERY;
    try {
      await orchestrator.transition({
        invocationId,
        to,
        runnerId,
        expected: { status: status.status, ownerId: status.ownerId },
        now,
      });
      await orchestrator.transition({ invocationId, to: S.REROUTED, runnerId, requeue: { delayMs: 0 }, now });
      recovered++;
      app.logger.warn(
        `invocation:${invocationId} recovered from ${status.status} of gone runner ${status.ownerId ?? "?"}`,
      );
    } catch (error) {
      if (!(error instanceof InvocationStatusError)) throw error;
      app.logger.debug(`invocation:${invocationId} changed while being recovered: ${error.message}`);
    }
  }
  return recovered;
}

/** Deletes invocations final for longer than `finalInvocationRetentionMs` (0 keeps them forever). */
export async function purgeExpiredInvocations(app: AppCore, now: number): Promise<number> {
  const retention = app.settings.finalInvocationRetentionMs;
  if (retention <= 0) return 0;
  let total = 0;
  for (;;) {
    const purged = await app.backend.orchestrator.purgeFinalBefore({ before: now - retention, limit: BATCH });
    total += purged;
    if (purged < BATCH) return total;
  }
}

/** One round of the maintenance service, if this runner holds (or takes) its lease. */
export async function runMaintenance(app: AppCore, runnerId: string, now: number): Promise<boolean> {
  const held = await app.backend.orchestrator.acquireServiceLease({
    service: MAINTENANCE_SERVICE,
    runnerId,
    ttlMs: app.settings.globalServiceIntervalMs * 3,
    now,
  });
  if (!held) return false;
  const recovered = await recoverOrphans(app, runnerId, now);
  const purged = await purgeExpiredInvocations(app, now);
  if (recovered > 0 || purged > 0) app.logger.info(`maintenance: recovered ${recovered}, purged ${purged}`);
  return true;
}
