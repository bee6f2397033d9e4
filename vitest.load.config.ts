import { defineConfig } from "vitest/config";
import { COMPILED_SETUP } from "./vitest.config.js";

/**
 * `npm run test:load`: the full-size versions of the tests that the regular suite runs small
 * (test/helpers/load.ts): 1,000 invocations per runner kind through two `tsnenc runner start`
 * processes, fib(12) through a ProcessRunner of 2 processes, 2,000 invocations through 4
 * runner processes in the Redis running-concurrency race. One file at a time, so that the
 * timings they print are comparable. See docs/testing.md.
 */
export default defineConfig({
  test: {
    include: [
      "test/runners/cli-many-invocations.test.ts",
      "test/runners/cli-process-runner-fib.test.ts",
      "test/runners/redis-race.test.ts",
    ],
    env: { TSNENC_TEST_LOAD: "1" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    fileParallelism: false,
    globalSetup: COMPILED_SETUP,
  },
});
