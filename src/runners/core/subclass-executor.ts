import { RunnerNotExecutableError } from "../../errors/errors.js";
import type { RunnerExecutor, RunnerHost } from "./executor.js";

/**
 * The executor of a `BaseRunner` subclass that brings none: the subclass overrides
 * `runnerLoopIteration()`, `maxParallelSlots` and, if it executes tasks, `waitingForResults()`
 * (pynenc's way of writing a runner). Every other step is a no-op; code waiting through it
 * just waits.
 */
export function subclassExecutor(host: RunnerHost): RunnerExecutor {
  const notOverridden = (member: string) =>
    new RunnerNotExecutableError(
      `${host.runnerContext.runnerClass} must override ${member} or give BaseRunner an executor`,
    );
  return {
    get maxParallelSlots(): number {
      throw notOverridden("maxParallelSlots");
    },
    childRunnerIds: () => [],
    prepare: () => {},
    start: async () => {},
    iteration: () => Promise.reject(notOverridden("runnerLoopIteration()")),
    waitingForResults: (_running, ids) => host.app.finality.waitForFinal(ids),
    wake: () => {},
    stop: async () => {},
    onHeartbeat: async () => {},
    reportChildHeartbeats: async () => {},
    shutdownDetails: () => [],
  };
}
