import type { StoredOutcome } from "../backends/contract/records.js";
import { InvocationNoResultError, InvocationNotFoundError } from "../errors/errors.js";
import { decodeError } from "../serializer/error-codec.js";
import { InvocationStatus, type StatusRecord } from "../status/statuses.js";
import type { AppCore } from "./app-core.js";

/** Outcome reads in flight at once when reading many (they pipeline on one connection). */
const READ_CHUNK = 512;

/**
 * The value of a final invocation, or throws its error (rebuilt with the same name and
 * message, and the same class when the app knows it).
 */
export async function readFinalResult<R>(app: AppCore, invocationId: string): Promise<R> {
  const notified = app.finality.takeOutcome(invocationId);
  if (notified) {
    const status = { status: notified.status, ownerId: null, timestamp: 0 };
    return decodeOutcome<R>(app, invocationId, status, notified);
  }
  const [statuses, outcome] = await Promise.all([
    app.backend.orchestrator.getStatuses([invocationId]),
    app.backend.stateBackend.getOutcome(invocationId),
  ]);
  return decodeOutcome<R>(app, invocationId, statuses.get(invocationId), outcome);
}

/**
 * The values of final invocations, in the order of `ids`: statuses in one read, outcomes read
 * concurrently. Throws the error of the first (in that order) that failed.
 */
export async function readFinalResults<R>(app: AppCore, ids: readonly string[]): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < ids.length; start += READ_CHUNK) {
    const chunk = ids.slice(start, start + READ_CHUNK);
    const notified = chunk.map((id) => app.finality.takeOutcome(id));
    const unread = chunk.filter((_, i) => notified[i] === undefined);
    const [statuses, outcomes] = await Promise.all([
      unread.length > 0 ? app.backend.orchestrator.getStatuses(unread) : new Map<string, StatusRecord>(),
      Promise.all(unread.map((id) => app.backend.stateBackend.getOutcome(id))),
    ]);
    const read = new Map(unread.map((id, i) => [id, outcomes[i] ?? { result: null, error: null }]));
    for (const [i, id] of chunk.entries()) {
      const known = notified[i];
      const status = known ? { status: known.status, ownerId: null, timestamp: 0 } : statuses.get(id);
      const outcome = known ?? read.get(id) ?? { result: null, error: null };
      results.push(await decodeOutcome<R>(app, id, status, outcome));
    }
  }
  return results;
}

async function decodeOutcome<R>(
  app: AppCore,
  invocationId: string,
  status: StatusRecord | undefined,
  outcome: StoredOutcome,
): Promise<R> {
  if (!status) throw new InvocationNotFoundError(invocationId);
  if (status.status === InvocationStatus.SUCCESS && outcome.result !== null) {
    return (await app.clientData.deserialize(outcome.result)) as R;
  }
  if (status.status === InvocationStatus.FAILED && outcome.error !== null) {
    throw decodeError(await app.clientData.resolve(outcome.error), app.serializer, app.knownErrorClasses());
  }
  if (status.status === InvocationStatus.CONCURRENCY_CONTROLLED_FINAL) {
    throw new InvocationNoResultError(
      invocationId,
      "was blocked by running concurrency and not rerouted (CONCURRENCY_CONTROLLED_FINAL), so it has no result",
    );
  }
  throw new InvocationNoResultError(invocationId, `has no stored outcome (status ${status.status})`);
}
