import type { AppCore } from "../engine/app-core.js";
import { RunnerNotExecutableError } from "../errors/errors.js";
import { brandClass } from "../identity/brand.js";
import { BaseRunner, type RunnerOptions } from "./base-runner.js";
import { placeholderExecutor } from "./core/non-executing-executor.js";
import { externalRunnerContext, type RunnerContext } from "./runner-context.js";

/**
 * The runner of an app outside any runner process: it cannot execute tasks, and waiting for
 * results from it just waits.
 */
export class DummyRunner extends BaseRunner {
  constructor(app: AppCore, options: RunnerOptions = {}) {
    super(app, options, placeholderExecutor);
  }

  static override memCompatible(): boolean {
    throw new RunnerNotExecutableError(`${DummyRunner.name} cannot execute tasks`);
  }

  override async run(): Promise<void> {
    throw new RunnerNotExecutableError(
      `${this.runnerClass} cannot execute tasks; start a runner such as AsyncRunner (config 'runner')`,
    );
  }
}

brandClass(DummyRunner, "DummyRunner");

/** The DummyRunner that stands for client code: registrations it makes carry its context. */
export class ExternalRunner extends DummyRunner {
  constructor(app: AppCore, options: RunnerOptions = {}) {
    super(app, {
      ...options,
      runnerContext: options.runnerContext ?? ExternalRunner.getDefaultExternalRunnerContext(),
    });
  }

  /** Runner id `ExternalRunner@<hostname>-<pid>`. */
  static getDefaultExternalRunnerContext(): RunnerContext {
    return externalRunnerContext();
  }
}
