import { AsyncRunner } from "../../src/runners/async-runner.js";
import { describeRunnerSuite } from "./runner-suite.js";

await describeRunnerSuite(
  "AsyncRunner",
  (app) => new AsyncRunner(app, { handleSignals: false, maxConcurrency: 10 }),
);
