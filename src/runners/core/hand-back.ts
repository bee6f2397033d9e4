import type { AppCore } from "../../engine/app-core.js";
import { InvocationStatusError } from "../../errors/errors.js";
import { isFinalStatus } from "../../status/status-table.js";
import { InvocationStatus } from "../../status/statuses.js";

/**
 * Moves an invocation `runnerId` held to KILLED, then REROUTED so another runner redoes it.
 * An invocation final meanwhile is left alone; a refused transition is logged.
 */
export async function killAndReroute(app: AppCore, invocationId: string, runnerId: string): Promise<void> {
  const orchestrator = app.backend.orchestrator;
  try {
    await orchestrator.transition({ invocationId, to: InvocationStatus.KILLED, runnerId, now: Date.now() });
    await orchestrator.transition({
      invocationId,
      to: InvocationStatus.REROUTED,
      runnerId,
      requeue: { delayMs: 0 },
      now: Date.now(),
    });
  } catch (error) {
    const current = (await orchestrator.getStatuses([invocationId])).get(invocationId);
    if (current && isFinalStatus(current.status)) return;
    if (error instanceof InvocationStatusError)
      app.logger.warn(`invocation:${invocationId} not rerouted: ${error.message}`);
    else throw error;
  }
}

/** A PENDING claim of `runnerId` goes back to the queue (REROUTED). */
export function rerouteUnstarted(app: AppCore, invocationId: string, runnerId: string): Promise<unknown> {
  return app.backend.orchestrator.transition({
    invocationId,
    to: InvocationStatus.REROUTED,
    runnerId,
    requeue: { delayMs: 0 },
    now: Date.now(),
  });
}
