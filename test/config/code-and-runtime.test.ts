import { describe, expect, it } from "vitest";
import {
  createAppConfig,
  envVarName,
  FIELD_SPECS,
  loadConfigSources,
  normalizeTaskId,
} from "../../src/config/index.js";
import { ConfigError, RetryError } from "../../src/errors/errors.js";
import { configIn, errorOf } from "./helpers.js";

class TimeoutError extends Error {}

describe("fields", () => {
  it("derives env var names and normalises task ids", () => {
    expect(envVarName("maxRetries")).toBe("TSNENC__MAX_RETRIES");
    expect(envVarName("runnerConsideredDeadAfterMs")).toBe("TSNENC__RUNNER_CONSIDERED_DEAD_AFTER_MS");
    expect(normalizeTaskId("shop.add")).toBe("SHOP_ADD");
    expect(normalizeTaskId("a-b/c d")).toBe("A_B_C_D");
    const names = FIELD_SPECS.map((s) => s.envVar);
    expect(new Set(names).size).toBe(names.length);
  });

  it("has the documented defaults", () => {
    const conf = configIn();
    expect(conf.snapshot()).toMatchObject({
      appId: "tsnenc",
      backend: "sqlite",
      broker: "",
      runner: "", // not configured: app.runner falls back (see test/engine/runner-core.test.ts)
      maxConcurrency: 50,
      finalInvocationRetentionMs: 7 * 24 * 3600 * 1000,
      maxRetries: 0,
      retryFor: [],
      retryBackoffFactor: 1,
      runningConcurrency: "disabled",
      rerouteOnConcurrencyControl: true,
      parallelBatchSize: 100,
    });
  });
});

describe("code values", () => {
  it("are typed, validated, and ignore undefined", () => {
    const conf = configIn({ appId: "shop", retryFor: [TimeoutError, "RangeError"], maxRetries: undefined });
    expect(conf.appId).toBe("shop");
    expect(conf.retryFor).toEqual([TimeoutError, "RangeError"]);
    expect(conf.maxRetries).toBe(0);
    expect(conf.sourceOf("appId")).toEqual({ tier: "code", detail: "app options" });
  });

  it("refuse unknown keys and bad values, naming the key", () => {
    const unknown = errorOf(() => configIn({ maxRetry: 1 }));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toContain("'maxRetry'");
    expect(errorOf(() => configIn({ maxConcurrency: 0 })).message).toContain("'maxConcurrency'");
    expect(errorOf(() => configIn({ devModeForceSyncTasks: "yes" })).message).toContain(
      "devModeForceSyncTasks",
    );
    expect(errorOf(() => configIn({ retryFor: [42] })).message).toContain("retryFor");
    expect(errorOf(() => configIn({ keyArguments: "a,b" })).message).toContain("keyArguments");
  });

  it("task options: unknown ones and app-level ones name the task and option", () => {
    const conf = configIn();
    const unknown = errorOf(() => conf.taskConfig("shop.add", { retries: 2 }));
    expect(unknown).toBeInstanceOf(ConfigError);
    expect(unknown.message).toContain("shop.add");
    expect(unknown.message).toContain("retries");
    const appLevel = errorOf(() => conf.taskConfig("shop.add", { backend: "redis" }));
    expect(appLevel.message).toContain("shop.add");
    expect(appLevel.message).toContain("backend");
    const bad = errorOf(() => conf.taskConfig("shop.add", { maxRetries: 1.5 }));
    expect(bad.message).toContain("maxRetries");
    expect(bad.message).toContain("shop.add");
  });

  it("task options beat app code values for that task only", () => {
    const conf = configIn({ maxRetries: 1, task: { add: { retryDelayMs: 5 } } });
    const add = conf.taskConfig("add", { maxRetries: 3, retryFor: [RetryError] });
    expect(add.maxRetries).toBe(3);
    expect(add.retryFor).toEqual([RetryError]);
    expect(add.retryDelayMs).toBe(5);
    expect(add.sourceOf("maxRetries")).toEqual({ tier: "code", detail: "task options" });
    expect(conf.taskConfig("sub", {}).maxRetries).toBe(1);
    expect(conf.taskConfig("sub", {}).retryDelayMs).toBe(0);
  });
});

describe("run-time assignment", () => {
  it("wins over env and is validated", () => {
    const conf = configIn({}, {}, { TSNENC__MAX_CONCURRENCY: "5" });
    expect(conf.sourceOf("maxConcurrency")).toEqual({ tier: "env", detail: "TSNENC__MAX_CONCURRENCY" });
    conf.maxConcurrency = 9;
    expect(conf.maxConcurrency).toBe(9);
    expect(conf.sourceOf("maxConcurrency").tier).toBe("runtime");
    expect(conf.runtimeValues()).toEqual({ maxConcurrency: 9 });
    const err = errorOf(() => {
      conf.maxConcurrency = -1;
    });
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain("'maxConcurrency'");
    expect(conf.maxConcurrency).toBe(9);
    const loose = conf as unknown as Record<string, unknown>;
    expect(errorOf(() => Object.assign(loose, { loggingLevel: "loud" })).message).toContain("loggingLevel");
    conf.reset("maxConcurrency");
    expect(conf.maxConcurrency).toBe(5);
  });

  it("set/get by name, refusing unknown names", () => {
    const conf = configIn();
    conf.set("serializer", "v8");
    expect(conf.get("serializer")).toBe("v8");
    expect(errorOf(() => conf.get("nope" as "appId")).message).toContain("'nope'");
  });

  it("app-level assignment of a task field reaches task configs made before and after", () => {
    const conf = configIn({}, {}, { TSNENC__TASK__ADD__RETRY_DELAY_MS: "7" });
    const before = conf.taskConfig("add", { maxRetries: 2 });
    conf.maxRetries = 5;
    conf.retryDelayMs = 11;
    const after = conf.taskConfig("add", { maxRetries: 2 });
    for (const task of [before, after]) {
      expect(task.maxRetries).toBe(5);
      expect(task.retryDelayMs).toBe(11);
      expect(task.sourceOf("maxRetries")).toEqual({ tier: "runtime", detail: "app conf" });
    }
  });

  it("task-level assignment beats the app-level one for that task only", () => {
    const conf = configIn();
    const add = conf.taskConfig("add", {});
    const sub = conf.taskConfig("sub", {});
    add.maxRetries = 4;
    conf.maxRetries = 1;
    expect(add.maxRetries).toBe(4);
    expect(sub.maxRetries).toBe(1);
    expect(add.sourceOf("maxRetries")).toEqual({ tier: "runtime", detail: "task 'add' conf" });
    expect(errorOf(() => add.set("maxRetries", -3)).message).toContain("maxRetries");
    const loose = add as unknown as Record<string, unknown>;
    expect(loose.appId).toBeUndefined();
    add.reset("maxRetries");
    expect(add.maxRetries).toBe(1);
  });

  it("describe lists every field with value, source, description and scope", () => {
    const sources = loadConfigSources({ cwd: "/nonexistent-dir-for-tsnenc", env: { TSNENC__APP_ID: "x" } });
    const rows = createAppConfig({}, sources).describe();
    expect(rows).toHaveLength(FIELD_SPECS.length);
    const appId = rows.find((r) => r.field === "appId");
    expect(appId).toMatchObject({
      value: "x",
      scope: "app",
      source: { tier: "env", detail: "TSNENC__APP_ID" },
    });
    expect(rows.find((r) => r.field === "maxRetries")?.scope).toBe("task");
    for (const row of rows) expect(row.description.length).toBeGreaterThan(0);
  });
});
