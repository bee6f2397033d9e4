import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * The suite in three stages, run in this order by `npm test` (scripts/test-stages.mjs), which
 * stops at the first failing one:
 * - unit: everything in this process (memory, SQLite and Redis backends, engine, conformance,
 *   CLI commands called in process); no child processes, no compiled sources.
 * - runners: the runner classes run in the test process, their thread and process workers
 *   loading the compiled sources.
 * - process: real processes (`tsnenc runner start`, fixture clients, CLI smoke tests):
 *   exactly-once through two runner processes, SIGKILL/SIGTERM recovery, races.
 * Full-size load runs are in vitest.load.config.ts (`npm run test:load`, docs/testing.md).
 */

/** Tests of the `process` stage: they start processes of their own. */
export const PROCESS_TESTS = [
  "test/runners/cli-*.test.ts",
  "test/runners/redis-race.test.ts",
  "test/backends/sqlite-multiprocess.test.ts",
  "test/cli/*.smoke.test.ts",
  "test/backends/driver-loading.test.ts",
];
/** Tests of the `runners` stage: runner classes in this process, workers on compiled sources. */
export const RUNNER_TESTS = ["test/runners/*.test.ts"];
/** Transpiles src/ and the fixtures once per run for the processes and workers the tests start. */
export const COMPILED_SETUP = ["test/helpers/compiled-setup.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Two files at once even on 2 cores (vitest's default there is one): much of every stage
    // waits (on Redis, on child processes starting, on heartbeats ageing), and the tests are
    // isolated (fresh app id, SQLite file, Redis keys) with timeouts that allow for the load.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...RUNNER_TESTS, ...PROCESS_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: "runners",
          include: RUNNER_TESTS,
          exclude: PROCESS_TESTS,
          globalSetup: COMPILED_SETUP,
        },
      },
      {
        extends: true,
        test: { name: "process", include: PROCESS_TESTS, globalSetup: COMPILED_SETUP },
      },
    ],
  },
});
