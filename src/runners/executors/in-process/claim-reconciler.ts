import type { AppCore } from "../../../engine/app-core.js";
import { InvocationStatus } from "../../../status/statuses.js";

const PAGE = 500;

/**
 * After claims whose outcome is unknown (the call failed: the backend may have applied it and
 * lost the reply), the invocations they took would be owned by this runner without the runner
 * knowing: never run, never recovered (the runner's heartbeat is alive). A claim stamps what it
 * takes with its `now`, so this looks only at invocations PENDING or RUNNING whose last change
 * falls within `claimedAt` (the failed claims' times): those under this runner's id that it does
 * not hold are handed back to the queue through `handBack`. Returns how many.
 */
export async function handBackUnknownClaims(
  app: AppCore,
  runnerId: string,
  claimedAt: { from: number; to: number },
  isHeld: (invocationId: string) => boolean,
  handBack: (invocationId: string, status: InvocationStatus) => Promise<void>,
): Promise<number> {
  const unknown: Array<{ id: string; status: InvocationStatus }> = [];
  const statuses = [InvocationStatus.PENDING, InvocationStatus.RUNNING];
  const range = { updatedSince: claimedAt.from, updatedUntil: claimedAt.to };
  for (let offset = 0; ; offset += PAGE) {
    const page = await app.backend.orchestrator.listInvocations({ statuses, ...range, limit: PAGE, offset });
    for (const row of page) {
      if (row.ownerId === runnerId && !isHeld(row.invocationId))
        unknown.push({ id: row.invocationId, status: row.status });
    }
    if (page.length < PAGE) break;
  }
  for (const { id, status } of unknown) await handBack(id, status);
  return unknown.length;
}
