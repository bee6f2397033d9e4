import { decodeError } from "../errors/error-codec.js";
import { InvocationNoResultError, InvocationNotFoundError } from "../errors/errors.js";
import { InvocationStatus } from "../status/statuses.js";
import type { AppCore } from "./app-core.js";

/**
 * The value of a final invocation, or throws its error (rebuilt with the same name and
 * message, and the same class when the app knows it).
 */
export async function readFinalResult<R>(app: AppCore, invocationId: string): Promise<R> {
  const statuses = await app.backend.orchestrator.getStatuses([invocationId]);
  const status = statuses.get(invocationId);
  if (!status) throw new InvocationNotFoundError(invocationId);
  const outcome = await app.backend.stateBackend.getOutcome(invocationId);
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
