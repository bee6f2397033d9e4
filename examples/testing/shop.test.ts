/**
 * A project's own test of its tasks with `tsnenc/testing` (in a project: `from "tsnenc/testing"`).
 * `useTestRunner(app)` runs the app on the memory backend under a fresh app id for each test,
 * with an AsyncRunner started before and stopped after it, whatever backend the config names.
 * The repository's suite runs this file through test/testing/examples.test.ts.
 */
import { describe, expect, it } from "vitest";
import { startTestRunner, useTestRunner } from "../../src/testing/index.js";
import { app, price, total } from "./shop.js";

describe("shop tasks", () => {
  useTestRunner(app);

  it("prices a cart with sub-tasks", async () => {
    expect(await total({ skus: ["book", "pen", "pen"] }).result()).toBe(22);
  });

  it("records each invocation's statuses", async () => {
    const invocation = await price("book");
    await invocation.result();
    expect((await invocation.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
  });
});

// Without hooks, for one test: `await using` stops the runner at the end of the block.
it("prices a book", async () => {
  await using _runner = await startTestRunner(app);
  expect(await price("book").result()).toBe(12);
});
