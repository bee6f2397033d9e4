import type { AppCore } from "../engine/app-core.js";
import { InvocationStatus } from "../status/statuses.js";

const PAGE = 500;

/**
 * After a claim whose outcome is unknown (the call failed: the backend may have applied it and
 * lost the reply, e.g. a connection that stayed down longer than the driver resends), the
 * invocations it took would be owned by this runner without the runner knowing: never run,
 * never recovered (the runner's heartbeat is alive). This finds them, PENDING or RUNNING under
 * this runner's id but not held, and hands each back to the queue through `handBack`.
 * Returns how many it handed back.
 */
export async function handBackUnknownClaims(
  app: AppCore,
  runnerId: string,
  isHeld: (invocationId: string) => boolean,
  handBack: (invocationId: string, status: InvocationStatus) => Promise<void>,
): Promise<number> {
  const unknown: Array<{ id: string; status: InvocationStatus }> = [];
  const statuses = [InvocationStatus.PENDING, InvocationStatus.RUNNING];
  for (let offset = 0; ; offset += PAGE) {
    const page = await app.backend.orchestrator.listInvocations({ statuses, limit: PAGE, offset });
    for (const row of page) {
      if (row.ownerId === runnerId && !isHeld(row.invocationId))
        unknown.push({ id: row.invocationId, status: row.status });
    }
    if (page.length < PAGE) break;
  }
  for (const { id, status } of unknown) await handBack(id, status);
  return unknown.length;
}
