import { describe, expect, it } from "vitest";
import * as tsnenc from "../../src/index.js";

describe("error hierarchy (modelled on pynenc's)", () => {
  const parents: Array<[string, string]> = [
    ["RetryError", "TsnencError"],
    ["ConcurrencyRetryError", "RetryError"],
    ["SerializationError", "TsnencError"],
    ["ConfigError", "TsnencError"],
    ["TaskError", "TsnencError"],
    ["InvalidTaskOptionsError", "TaskError"],
    ["DuplicateTaskError", "TaskError"],
    ["TaskNotFoundError", "TaskError"],
    ["TaskParallelProcessingError", "TaskError"],
    ["TaskRoutingError", "TaskError"],
    ["InvocationConcurrencyWithDifferentArgumentsError", "TaskRoutingError"],
    ["InvocationError", "TsnencError"],
    ["InvocationNoResultError", "InvocationError"],
    ["StateBackendError", "TsnencError"],
    ["InvocationNotFoundError", "StateBackendError"],
    ["RunnerError", "TsnencError"],
    ["RunnerNotExecutableError", "RunnerError"],
    ["InvocationStatusError", "TsnencError"],
    ["InvocationStatusTransitionError", "InvocationStatusError"],
    ["InvocationStatusOwnershipError", "InvocationStatusError"],
    ["InvocationStatusRaceConditionError", "InvocationStatusError"],
  ];

  it.each(parents)(
    "%s extends %s, is exported, and carries its class name as name and code",
    (child, parent) => {
      const exports = tsnenc as unknown as Record<
        string,
        (abstract new (...args: never[]) => Error) | undefined
      >;
      const Child = exports[child];
      const Parent = exports[parent];
      expect(Child, `${child} is exported`).toBeTypeOf("function");
      expect(Parent, `${parent} is exported`).toBeTypeOf("function");
      if (!Child || !Parent) return;
      expect(Object.getPrototypeOf(Child)).toBe(Parent);
      expect(Child.prototype).toBeInstanceOf(tsnenc.TsnencError);
      expect(Child.prototype).toBeInstanceOf(Error);
    },
  );

  it("instances name their class and keep the fields they describe", () => {
    const error = new tsnenc.TaskNotFoundError("shop.add", "is not registered");
    expect(error.name).toBe("TaskNotFoundError");
    expect(error.code).toBe("TaskNotFoundError");
    expect(error.taskId).toBe("shop.add");
    expect(error.message).toBe("task 'shop.add': is not registered");
    const transition = new tsnenc.InvocationStatusTransitionError("id-1", "SUCCESS", "RUNNING", []);
    expect(transition.message).toMatch(/SUCCESS to RUNNING.*final/);
  });
});
