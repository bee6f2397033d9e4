import { RunnerNotExecutableError } from "../../errors/errors.js";
import type { RunnerExecutor, RunnerHost } from "./executor.js";

/**
 * An executor that executes nothing: every step that would execute (sizing, start, a loop
 * iteration) throws the error `refusal(step)` builds; code waiting through it just waits; the
 * rest are no-ops.
 */
export function nonExecutingExecutor(host: RunnerHost, refusal: (step: string) => Error): RunnerExecutor {
  const refuse = (step: string): never => {
    throw refusal(step);
  };
  return {
    get maxParallelSlots(): number {
      return refuse("maxParallelSlots");
    },
    childRunnerIds: () => [],
    prepare: () => {},
    start: async () => {},
    iteration: async () => refuse("runnerLoopIteration()"),
    waitingForResults: (_running, ids) => host.app.finality.waitForFinal(ids),
    wake: () => {},
    stop: async () => {},
    onHeartbeat: async () => {},
    reportChildHeartbeats: async () => {},
    shutdownDetails: () => [],
  };
}

/**
 * The executor of a `BaseRunner` subclass that brings none: the subclass overrides
 * `runnerLoopIteration()`, `maxParallelSlots` and, if it executes tasks, `waitingForResults()`
 * (pynenc's way of writing a runner).
 */
export function subclassExecutor(host: RunnerHost): RunnerExecutor {
  const runnerClass = host.runnerContext.runnerClass;
  return nonExecutingExecutor(
    host,
    (step) =>
      new RunnerNotExecutableError(`${runnerClass} must override ${step} or give BaseRunner an executor`),
  );
}

/** The executor of a placeholder runner (DummyRunner): it cannot execute tasks. */
export function placeholderExecutor(host: RunnerHost): RunnerExecutor {
  const runnerClass = host.runnerContext.runnerClass;
  return nonExecutingExecutor(
    host,
    () => new RunnerNotExecutableError(`${runnerClass} cannot execute tasks`),
  );
}
