import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/errors.js";
import { configIn, errorOf } from "./helpers.js";

const fromEnv = (env: Record<string, string>) => configIn({}, {}, env);

describe("environment variables", () => {
  it.each([
    ["false", false],
    ["False", false],
    ["0", false],
    ["no", false],
    ["OFF", false],
    ["true", true],
    ["yes", true],
    ["1", true],
    ["On", true],
  ])("boolean %s → %s", (raw, expected) => {
    expect(fromEnv({ TSNENC__DEV_MODE_FORCE_SYNC_TASKS: raw }).devModeForceSyncTasks).toBe(expected);
  });

  it("refuses other boolean words, naming the var", () => {
    const err = errorOf(() => fromEnv({ TSNENC__DEV_MODE_FORCE_SYNC_TASKS: "maybe" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("TSNENC__DEV_MODE_FORCE_SYNC_TASKS");
    expect(err.message).toContain('"maybe"');
  });

  it("parses numbers fully", () => {
    expect(fromEnv({ TSNENC__MAX_CONCURRENCY: " 12 " }).maxConcurrency).toBe(12);
    expect(fromEnv({ TSNENC__RETRY_BACKOFF_FACTOR: "1.5" }).retryBackoffFactor).toBe(1.5);
    for (const bad of ["12abc", "", "1.5", "0", "0x10"]) {
      const err = errorOf(() => fromEnv({ TSNENC__MAX_CONCURRENCY: bad }));
      expect(err.message).toContain("TSNENC__MAX_CONCURRENCY");
    }
  });

  it("parses enums, ignoring case", () => {
    expect(fromEnv({ TSNENC__LOGGING_LEVEL: "DEBUG" }).loggingLevel).toBe("debug");
    expect(fromEnv({ TSNENC__RUNNER: "threadrunner" }).runner).toBe("ThreadRunner");
    expect(errorOf(() => fromEnv({ TSNENC__LOG_FORMAT: "xml" })).message).toContain("TSNENC__LOG_FORMAT");
  });

  it("parses lists as JSON arrays or comma lists", () => {
    expect(fromEnv({ TSNENC__KEY_ARGUMENTS: '["a", "b"]' }).keyArguments).toEqual(["a", "b"]);
    expect(fromEnv({ TSNENC__KEY_ARGUMENTS: " a, b ,,c " }).keyArguments).toEqual(["a", "b", "c"]);
    expect(fromEnv({ TSNENC__KEY_ARGUMENTS: "" }).keyArguments).toEqual([]);
    expect(fromEnv({ TSNENC__RETRY_FOR: "TimeoutError,RangeError" }).retryFor).toEqual([
      "TimeoutError",
      "RangeError",
    ]);
    expect(errorOf(() => fromEnv({ TSNENC__KEY_ARGUMENTS: "[1, 2]" })).message).toContain(
      "TSNENC__KEY_ARGUMENTS",
    );
    expect(errorOf(() => fromEnv({ TSNENC__KEY_ARGUMENTS: "[oops" })).message).toContain(
      "TSNENC__KEY_ARGUMENTS",
    );
  });

  it("keeps string values as given", () => {
    expect(fromEnv({ TSNENC__REDIS_URL: "redis://h:6379/0" }).redisUrl).toBe("redis://h:6379/0");
  });

  it("refuses unknown TSNENC__ variables, naming them", () => {
    const err = errorOf(() => fromEnv({ TSNENC__MAX_RETRYS: "1" }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("TSNENC__MAX_RETRYS");
    expect(errorOf(() => fromEnv({ TSNENC__TASK__ADD: "1" })).message).toContain("TSNENC__TASK__ADD");
    expect(errorOf(() => fromEnv({ TSNENC__TASK__ADD__NOPE: "1" })).message).toContain(
      "TSNENC__TASK__ADD__NOPE",
    );
    const appLevel = errorOf(() => fromEnv({ TSNENC__TASK__ADD__APP_ID: "x" }));
    expect(appLevel.message).toContain("TSNENC__TASK__ADD__APP_ID");
    expect(appLevel.message).toContain("app-level");
  });

  it("ignores variables without the prefix", () => {
    expect(fromEnv({ TSNENC_OTHER: "1", MAX_RETRIES: "x", PATH: "/bin" }).maxRetries).toBe(0);
  });

  it("applies task-specific vars by normalised task id", () => {
    const conf = fromEnv({ TSNENC__TASK__SHOP_ADD__MAX_RETRIES: "3", TSNENC__MAX_RETRIES: "1" });
    const task = conf.taskConfig("shop.add", {});
    expect(task.maxRetries).toBe(3);
    expect(task.sourceOf("maxRetries")).toEqual({
      tier: "env",
      detail: "TSNENC__TASK__SHOP_ADD__MAX_RETRIES",
    });
    expect(conf.taskConfig("shop-add", {}).maxRetries).toBe(3);
    expect(conf.taskConfig("shop.sub", {}).maxRetries).toBe(1);
    expect(conf.taskConfig("shop.sub", {}).sourceOf("maxRetries")).toEqual({
      tier: "env",
      detail: "TSNENC__MAX_RETRIES",
    });
  });

  it("task-specific env vars validate their value", () => {
    const err = errorOf(() => fromEnv({ TSNENC__TASK__ADD__ON_DIFF_NON_KEY_ARGS_RAISE: "sure" }));
    expect(err.message).toContain("TSNENC__TASK__ADD__ON_DIFF_NON_KEY_ARGS_RAISE");
  });
});
