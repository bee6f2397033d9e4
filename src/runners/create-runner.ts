import type { RunnerName } from "../config/fields.js";
import type { AppCore } from "../engine/app-core.js";
import { ConfigError } from "../errors/errors.js";
import { AsyncRunner } from "./async-runner.js";
import type { BaseRunner } from "./base-runner.js";
import type { AppModuleRef } from "./child/app-module.js";
import { DummyRunner, ExternalRunner } from "./dummy-runner.js";
import { MultiProcessRunner } from "./multi-process-runner.js";
import { PersistentProcessRunner } from "./persistent-process-runner.js";
import { ProcessRunner } from "./process-runner.js";
import { ThreadRunner } from "./thread-runner.js";

export interface CreateRunnerOptions {
  /** The module runners that start children (processes, threads) make them import. */
  appModule?: AppModuleRef;
}

const RUNNERS: Record<RunnerName, (app: AppCore, options: CreateRunnerOptions) => BaseRunner> = {
  AsyncRunner: (app) => new AsyncRunner(app),
  ThreadRunner: (app, options) => new ThreadRunner(app, options),
  ProcessRunner: (app, options) => new ProcessRunner(app, options),
  PersistentProcessRunner: (app, options) => new PersistentProcessRunner(app, options),
  MultiProcessRunner: (app, options) => new MultiProcessRunner(app, options),
  DummyRunner: (app) => new DummyRunner(app),
  ExternalRunner: (app) => new ExternalRunner(app),
};

/** A runner of the class named `name` (config `runner`), sized by the app's config. */
export function createRunner(app: AppCore, name: string, options: CreateRunnerOptions = {}): BaseRunner {
  const factory = Object.hasOwn(RUNNERS, name) ? RUNNERS[name as RunnerName] : undefined;
  if (!factory) {
    throw new ConfigError(
      "runner",
      `'${name}' is not available in this version (available: ${Object.keys(RUNNERS).join(", ")})`,
    );
  }
  return factory(app, options);
}
