import type { AppCore } from "../engine/app-core.js";
import { ConfigError } from "../errors/errors.js";
import { AsyncRunner } from "./async-runner.js";
import type { BaseRunner } from "./base-runner.js";
import { DummyRunner, ExternalRunner } from "./dummy-runner.js";

const RUNNERS: Record<string, (app: AppCore) => BaseRunner> = {
  AsyncRunner: (app) => new AsyncRunner(app),
  DummyRunner: (app) => new DummyRunner(app),
  ExternalRunner: (app) => new ExternalRunner(app),
};

/** A runner of the class named by config `runner`. */
export function createRunner(app: AppCore, name: string): BaseRunner {
  const factory = RUNNERS[name];
  if (!factory) {
    throw new ConfigError(
      "runner",
      `'${name}' is not available in this version (available: ${Object.keys(RUNNERS).join(", ")})`,
    );
  }
  return factory(app);
}
