import { describe, expect, it } from "vitest";
import {
  LONGEST_RETRY_DELAY_MS,
  retryDelayFor,
  type TaskSettings,
} from "../../src/engine/task-definition.js";

/** Task settings with the retry fields given and every other field at its default. */
function settings(
  retry: Pick<TaskSettings, "retryDelayMs" | "retryBackoffFactor" | "retryMaxDelayMs">,
): TaskSettings {
  return {
    maxRetries: 10_000,
    retryFor: [],
    forceNewWorkflow: false,
    parallelBatchSize: 1_000,
    registrationConcurrency: "disabled",
    runningConcurrency: "disabled",
    concurrencyLimit: 1,
    keyArguments: [],
    onDiffNonKeyArgsRaise: false,
    rerouteOnConcurrencyControl: true,
    disableCacheArgs: [],
    ...retry,
  };
}

describe("retryDelayFor", () => {
  it("grows by the backoff factor from the first retry, capped by retryMaxDelayMs", () => {
    const s = settings({ retryDelayMs: 100, retryBackoffFactor: 2, retryMaxDelayMs: 1_000 });
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayFor(s, attempt))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("is 0 without a base delay", () => {
    expect(retryDelayFor(settings({ retryDelayMs: 0, retryBackoffFactor: 2, retryMaxDelayMs: 0 }), 7)).toBe(
      0,
    );
  });

  it("stays a finite, storable time without a max, however many attempts", () => {
    const s = settings({ retryDelayMs: 1_000, retryBackoffFactor: 10, retryMaxDelayMs: 0 });
    expect(retryDelayFor(s, 3)).toBe(100_000);
    expect(retryDelayFor(s, 2_000)).toBe(LONGEST_RETRY_DELAY_MS);
    expect(Number.isFinite(retryDelayFor(s, 2_000))).toBe(true);
  });
});
