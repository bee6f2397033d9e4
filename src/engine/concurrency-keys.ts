import type { InvocationRecord } from "../backends/contract/records.js";
import type { ConcurrencyControlMode } from "../config/index.js";
import { InvalidTaskOptionsError, TaskError } from "../errors/errors.js";
import { computeArgsId } from "../identity/args-id.js";
import type { Serializer } from "../serializer/contract.js";
import type { TaskSettings } from "./task-definition.js";

type ConcurrencyFields = Pick<
  InvocationRecord,
  "registrationKey" | "runningKey" | "runningLimit" | "rerouteOnConcurrencyControl"
>;

/** Refuses settings that cannot work, at task definition. */
export function validateConcurrencySettings(taskId: string, settings: TaskSettings): void {
  const usesKeys = settings.registrationConcurrency === "keys" || settings.runningConcurrency === "keys";
  if (usesKeys && settings.keyArguments.length === 0) {
    throw new InvalidTaskOptionsError(
      taskId,
      "concurrency mode 'keys' needs keyArguments (property names or indices)",
    );
  }
}

/**
 * The registration and running keys of one call: `task` -> the task id; `arguments` -> the
 * task id and all arguments; `keys` -> the task id and the key arguments only.
 */
export function concurrencyFields(
  taskId: string,
  settings: TaskSettings,
  args: readonly unknown[],
  serialized: Readonly<Record<string, string>>,
  argsId: string,
  serializer: Serializer,
): ConcurrencyFields {
  let keyArgsId: string | undefined;
  const keyOf = (mode: ConcurrencyControlMode): string | null => {
    switch (mode) {
      case "disabled":
        return null;
      case "task":
        return taskId;
      case "arguments":
        return `${taskId}#args#${argsId}`;
      case "keys":
        keyArgsId ??= computeArgsId(
          keyArgumentValues(taskId, settings.keyArguments, args, serialized, serializer),
        );
        return `${taskId}#keys#${keyArgsId}`;
    }
  };
  const runningKey = keyOf(settings.runningConcurrency);
  return {
    registrationKey: keyOf(settings.registrationConcurrency),
    runningKey,
    ...(runningKey ? { runningLimit: settings.concurrencyLimit } : {}),
    rerouteOnConcurrencyControl: settings.rerouteOnConcurrencyControl,
  };
}

/**
 * Serialized values of the key arguments: positional indices ("0", "1") pick arguments; other
 * names pick properties of the task's single object argument. A key the call lacks is refused.
 */
export function keyArgumentValues(
  taskId: string,
  keyArguments: readonly string[],
  args: readonly unknown[],
  serialized: Readonly<Record<string, string>>,
  serializer: Serializer,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keyArguments) {
    if (/^\d+$/.test(key)) {
      const value = serialized[key];
      if (value === undefined) throw new TaskError(taskId, `key argument '${key}' is missing from the call`);
      values[key] = value;
      continue;
    }
    const [first] = args;
    if (args.length !== 1 || typeof first !== "object" || first === null || Array.isArray(first)) {
      throw new TaskError(
        taskId,
        `key argument '${key}' names a property, so the task must be called with one object argument`,
      );
    }
    if (!(key in first)) throw new TaskError(taskId, `key argument '${key}' is missing from the call`);
    values[key] = serializer.serialize((first as Record<string, unknown>)[key]);
  }
  return values;
}
