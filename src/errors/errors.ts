import { brandClass } from "../identity/brand.js";
import type { InvocationStatus, StatusRecord } from "../status/statuses.js";

/** An Error class; abstract classes are fine where no constructor is called (decoding, `retryFor`). */
export type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Base class of every error tsnenc raises. Each tsnenc class declares its `code` as a string
 * literal (its class name), which survives minification: `err.code` and `err.name` identify the
 * class across module copies and processes, so callers can check `err.code` instead of relying
 * on `instanceof`. A subclass that declares no `code` of its own (a user's
 * `class PaymentDeclined extends RetryError {}`) is named and coded by its class name.
 */
export class TsnencError extends Error {
  static readonly code: string = "TsnencError";
  readonly code: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const code = Object.hasOwn(new.target, "code") ? new.target.code : new.target.name;
    this.name = code;
    this.code = code;
  }
}

/** Throw it (or a subclass) from a task to ask for a retry; always retriable. */
export class RetryError extends TsnencError {
  static override readonly code: string = "RetryError";
}
export class ConcurrencyRetryError extends RetryError {
  static override readonly code: string = "ConcurrencyRetryError";
}

/** A value could not be serialized or deserialized. Names the task and argument when known. */
export class SerializationError extends TsnencError {
  static override readonly code: string = "SerializationError";
}

export class ConfigError extends TsnencError {
  static override readonly code: string = "ConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config '${key}': ${message}`);
  }
}

/** An error about a task: the task id is always in the message. */
export class TaskError extends TsnencError {
  static override readonly code: string = "TaskError";
  constructor(
    readonly taskId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`task '${taskId}': ${message}`, options);
  }
}
export class InvalidTaskOptionsError extends TaskError {
  static override readonly code: string = "InvalidTaskOptionsError";
}
export class DuplicateTaskError extends TaskError {
  static override readonly code: string = "DuplicateTaskError";
}
export class TaskNotFoundError extends TaskError {
  static override readonly code: string = "TaskNotFoundError";
}
export class TaskParallelProcessingError extends TaskError {
  static override readonly code: string = "TaskParallelProcessingError";
}
export class TaskRoutingError extends TaskError {
  static override readonly code: string = "TaskRoutingError";
}
export class InvocationConcurrencyWithDifferentArgumentsError extends TaskRoutingError {
  static override readonly code: string = "InvocationConcurrencyWithDifferentArgumentsError";
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
  static override readonly code: string = "InvocationError";
  constructor(
    readonly invocationId: string,
    message: string,
  ) {
    super(`invocation ${invocationId}: ${message}`);
  }
}
/** The invocation ended without a result (CONCURRENCY_CONTROLLED_FINAL, or its data was purged). */
export class InvocationNoResultError extends InvocationError {
  static override readonly code: string = "InvocationNoResultError";
}

export class StateBackendError extends TsnencError {
  static override readonly code: string = "StateBackendError";
}
export class InvocationNotFoundError extends StateBackendError {
  static override readonly code: string = "InvocationNotFoundError";
  constructor(readonly invocationId: string) {
    super(`invocation ${invocationId} not found`);
  }
}

export class RunnerError extends TsnencError {
  static override readonly code: string = "RunnerError";
}
/** The runner cannot execute tasks (DummyRunner, ExternalRunner). */
export class RunnerNotExecutableError extends RunnerError {
  static override readonly code: string = "RunnerNotExecutableError";
}

export class InvocationStatusError extends TsnencError {
  static override readonly code: string = "InvocationStatusError";
}

export class InvocationStatusTransitionError extends InvocationStatusError {
  static override readonly code: string = "InvocationStatusTransitionError";
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
  static override readonly code: string = "InvocationStatusOwnershipError";
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
  static override readonly code: string = "InvocationStatusRaceConditionError";
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

const CLASSES = [
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
];

// Each class carries the brand of its code, so `hasBrand(error, "RetryError")` recognises an
// instance of any copy of tsnenc, and of every subclass (a user's own retry errors included).
for (const cls of CLASSES) brandClass(cls, cls.code);

/** Every TsnencError class by its code, for reconstructing errors that crossed a process boundary. */
export const TSNENC_ERROR_CLASSES: Readonly<Record<string, new (...args: never[]) => Error>> =
  Object.fromEntries(CLASSES.map((cls) => [cls.code, cls]));
