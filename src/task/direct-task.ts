import { TaskParallelProcessingError } from "../errors/errors.js";
import type { SingleObject, Task } from "./task.js";
import type { TaskOptions } from "./task-options.js";

/** How a direct task splits one call into many invocations. */
export type ParallelFunc<A extends unknown[]> = (
  ...args: A
) =>
  | ReadonlyArray<A>
  | { commonArgs: Partial<SingleObject<A>>; argsList: ReadonlyArray<[Partial<SingleObject<A>>]> };

export interface DirectTaskOptions<A extends unknown[], R, T> extends TaskOptions {
  /** Splits one call into the argument lists of many invocations, run in parallel. */
  parallelFunc?: ParallelFunc<A>;
  /** Combines the results of the split invocations (input order) into the call's result. */
  aggregateFunc?: (results: R[]) => T | Promise<T>;
}

/** Separates the direct-task options from the task options the config validates. */
export function splitDirectTaskOptions<A extends unknown[], R, T>(
  taskId: string,
  options: DirectTaskOptions<A, R, T>,
): {
  taskOptions: TaskOptions;
  parallelFunc?: ParallelFunc<A>;
  aggregateFunc?: (results: R[]) => T | Promise<T>;
} {
  const { parallelFunc, aggregateFunc, ...taskOptions } = options;
  if (parallelFunc && !aggregateFunc) {
    throw new TaskParallelProcessingError(
      taskId,
      "parallelFunc needs an aggregateFunc to combine the results",
    );
  }
  if (aggregateFunc && !parallelFunc) {
    throw new TaskParallelProcessingError(taskId, "aggregateFunc is only used together with parallelFunc");
  }
  return {
    taskOptions,
    ...(parallelFunc ? { parallelFunc } : {}),
    ...(aggregateFunc ? { aggregateFunc } : {}),
  };
}

/**
 * The plain async function a direct task returns: it routes the call and returns the result,
 * or, with `parallelFunc`, parallelizes the split calls and aggregates their results.
 */
export function directCaller<A extends unknown[], R, T>(
  task: Task<A, R>,
  parallelFunc: ParallelFunc<A> | undefined,
  aggregateFunc: ((results: R[]) => T | Promise<T>) | undefined,
): (...args: A) => Promise<R | T> {
  if (!parallelFunc || !aggregateFunc) return (...args: A) => task(...args).result();
  return async (...args: A) => {
    const split = parallelFunc(...args);
    const group = Array.isArray(split)
      ? await task.parallelize(split as ReadonlyArray<A>)
      : await task.parallelize((split as { argsList: ReadonlyArray<[Partial<SingleObject<A>>]> }).argsList, {
          commonArgs: (split as { commonArgs: Partial<SingleObject<A>> }).commonArgs,
        });
    return aggregateFunc(await group.all());
  };
}
