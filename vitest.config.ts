import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Transpiles src/ and the runner fixtures once per run for the tests that start processes.
    globalSetup: ["test/helpers/compiled-setup.ts"],
  },
});
