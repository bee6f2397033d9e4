/**
 * `tsnenc/testing`: helpers for a project's own vitest suite (vitest is an optional peer
 * dependency, imported only by this entry point).
 * - `useTestRunner(app)` / `startTestRunner(app)`: the app on the memory backend under a fresh
 *   app id, with a runner started and stopped around each test.
 * - `describeBackendConformance(name, factory)`: the conformance suite of the backend contracts,
 *   for a backend of one's own (tsnenc's backends run the same suite).
 */
export {
  assertValidHistory,
  type BackendFactory,
  type ConformanceOptions,
  describeBackendConformance,
} from "./conformance/index.js";
export {
  startTestRunner,
  type TestRunner,
  type TestRunnerHandle,
  type TestRunnerOptions,
  useTestRunner,
} from "./test-runner.js";
