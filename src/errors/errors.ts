import type { InvocationStatus, StatusRecord } from "../status/statuses.js";

/** An Error class; abstract classes are fine where no constructor is called (decoding, `retryFor`). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Base class of every error tsnenc raises. `code` is the class name, so callers can check
 * `err.code` instead of relying on `instanceof` across module copies.
 */
export class TsnencError extends Error {
  readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.name;
  }
}

/** Throw it (or a subclass) from a task to ask for a retry; always retriable. */
export class RetryError extends TsnencError {}
export class ConcurrencyRetryError extends RetryError {}

/** A value could not be serialized or deserialized. Names the task and argument when known. */
export class SerializationError extends TsnencError {}

export class ConfigError extends TsnencError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config '${key}': ${message}`);
  }
}

/** An error about a task: the task id is always in the message. */
export class TaskError extends TsnencError {
  constructor(
    readonly taskId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`task '${taskId}': ${message}`, options);
  }
}
export class InvalidTaskOptionsError extends TaskError {}
export class DuplicateTaskError extends TaskError {}
export class TaskNotFoundError extends TaskError {}
export class TaskParallelProcessingError extends TaskError {}
export class TaskRoutingError extends TaskError {}
export class InvocationConcurrencyWithDifferentArgumentsError extends TaskRoutingError {
  constructor(
    taskId: string,
    readonly existingInvocationId: string,
    readonly newCallId: string,
    readonly diff: string,
  ) {
    super(
      taskId,
      `an invocation ${existingInvocationId} is already registered with other arguments\n${diff}`,
    );
  }
}

/** An error about one invocation. */
export class InvocationError extends TsnencError {
  constructor(
    readonly invocationId: string,
    message: string,
  ) {
    super(`invocation ${invocationId}: ${message}`);
  }
}
/** The invocation ended without a result (CONCURRENCY_CONTROLLED_FINAL, or its data was purged). */
export class InvocationNoResultError extends InvocationError {}

export class StateBackendError extends TsnencError {}
export class InvocationNotFoundError extends StateBackendError {
  constructor(readonly invocationId: string) {
    super(`invocation ${invocationId} not found`);
  }
}

export class RunnerError extends TsnencError {}
/** The runner cannot execute tasks (DummyRunner, ExternalRunner). */
export class RunnerNotExecutableError extends RunnerError {}

export class InvocationStatusError extends TsnencError {}

export class InvocationStatusTransitionError extends InvocationStatusError {
  constructor(
    readonly invocationId: string,
    readonly fromStatus: InvocationStatus | null,
    readonly toStatus: InvocationStatus,
    readonly allowed: readonly InvocationStatus[],
  ) {
    super(
      `invocation ${invocationId}: cannot go from ${fromStatus ?? "(new)"} to ${toStatus}; ` +
        `allowed: ${allowed.length ? allowed.join(", ") : "none (final status)"}`,
    );
  }
}

export class InvocationStatusOwnershipError extends InvocationStatusError {
  constructor(
    readonly invocationId: string,
    readonly fromStatus: InvocationStatus,
    readonly toStatus: InvocationStatus,
    readonly currentOwner: string | null,
    readonly attemptedOwner: string | null,
    readonly reason: string,
  ) {
    super(
      `invocation ${invocationId}: ${fromStatus} -> ${toStatus} refused: ${reason} ` +
        `(owner ${currentOwner ?? "none"}, attempted by ${attemptedOwner ?? "none"})`,
    );
  }
}

/** The compare-and-set of a status change found another record than the one expected. */
export class InvocationStatusRaceConditionError extends InvocationStatusError {
  constructor(
    readonly invocationId: string,
    readonly expected: Pick<StatusRecord, "status" | "ownerId">,
    readonly actual: Pick<StatusRecord, "status" | "ownerId">,
  ) {
    super(
      `invocation ${invocationId}: expected ${expected.status}/${expected.ownerId ?? "none"} ` +
        `but found ${actual.status}/${actual.ownerId ?? "none"}`,
    );
  }
}

/** Every TsnencError class by name, for reconstructing errors that crossed a process boundary. */
export const TSNENC_ERROR_CLASSES: Readonly<Record<string, new (...args: never[]) => Error>> = {
  TsnencError,
  RetryError,
  ConcurrencyRetryError,
  SerializationError,
  ConfigError,
  TaskError,
  InvalidTaskOptionsError,
  DuplicateTaskError,
  TaskNotFoundError,
  TaskParallelProcessingError,
  TaskRoutingError,
  InvocationConcurrencyWithDifferentArgumentsError,
  InvocationError,
  InvocationNoResultError,
  StateBackendError,
  InvocationNotFoundError,
  RunnerError,
  RunnerNotExecutableError,
  InvocationStatusError,
  InvocationStatusTransitionError,
  InvocationStatusOwnershipError,
  InvocationStatusRaceConditionError,
};
