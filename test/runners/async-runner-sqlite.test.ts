import { tsnenc } from "./helpers.js";
import { describeRunnerSuite } from "./runner-suite.js";

const { AsyncRunner } = tsnenc;

await describeRunnerSuite(
  "AsyncRunner",
  (app) => new AsyncRunner(app, { handleSignals: false, maxConcurrency: 10 }),
);
