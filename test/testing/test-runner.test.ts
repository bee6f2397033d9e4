import { describe, expect, it } from "vitest";
import { AsyncRunner, createMemoryBackend, ThreadRunner, Tsnenc } from "../../src/index.js";
import { startTestRunner, useTestRunner } from "../../src/testing/index.js";
import { tempDir } from "../config/helpers.js";

/**
 * A project's app module as it usually is: one app, configured for production (here Redis, by
 * env), its tasks registered at import. The helpers must run it on the memory backend.
 */
const app = new Tsnenc(
  { appId: "shop", loggingLevel: "error" },
  { cwd: tempDir(), env: { TSNENC__BACKEND: "redis", TSNENC__REDIS_URL: "redis://127.0.0.1:1" } },
);
const add = app.task("add", async (x: number, y: number) => x + y);
const whoRuns = app.task("whoRuns", async () => app.runner.runnerContext.runnerId);

describe("useTestRunner", () => {
  const test = useTestRunner(app, { maxConcurrency: 4 });
  const seenAppIds: string[] = [];

  it("runs a task on the memory backend under a fresh app id, with the runner it started", async () => {
    expect(await add(1, 2).result()).toBe(3);
    expect(app.backend.kind).toBe("memory");
    expect(app.appId).toBe(test.appId);
    expect(test.appId).toMatch(/^shop-test-[0-9a-f]{8}$/);
    expect(test.runner).toBeInstanceOf(AsyncRunner);
    expect(await whoRuns().result()).toBe(test.runner.runnerContext.runnerId);
    seenAppIds.push(test.appId);
  });

  it("gives each test its own app id and an empty store", async () => {
    expect(await app.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([]);
    expect(await add(2, 3).result()).toBe(5);
    seenAppIds.push(test.appId);
    expect(new Set(seenAppIds).size).toBe(2);
  });
});

describe("startTestRunner", () => {
  it("stops the runner and gives the app back its own config", async () => {
    const started = await startTestRunner(app);
    expect(await add(3, 4).result()).toBe(7);
    // A second app on the test's id keeps the memory store alive across stop(): it must be purged.
    const watcher = new Tsnenc({ appId: started.appId, backend: "memory" }, { cwd: tempDir(), env: {} });
    try {
      expect(await watcher.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toHaveLength(1);
      await started.stop();
      expect(await watcher.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([]);
    } finally {
      await watcher.close();
    }
    expect(await started.runner.waitUntilStopped(0)).toBe(true);
    expect(app.appId).toBe("shop");
    expect(app.conf.backend).toBe("redis");
    expect(app.conf.sourceOf("backend").tier).toBe("env");
    await started.stop(); // again: nothing to do
  });

  it("is an AsyncDisposable: `await using` stops it at the end of the block", async () => {
    let runner: AsyncRunner | undefined;
    {
      await using started = await startTestRunner(app, {
        appIdPrefix: "disposable",
        config: { maxRetries: 1 },
      });
      runner = started.runner as AsyncRunner;
      expect(started.appId.startsWith("disposable-test-")).toBe(true);
      expect(app.conf.maxRetries).toBe(1);
      expect(await add(5, 6).result()).toBe(11);
    }
    expect(await runner.waitUntilStopped(0)).toBe(true);
    expect(app.conf.maxRetries).toBe(0);
    expect(app.appId).toBe("shop");
  });
});

describe("startTestRunner with a runner that needs children", () => {
  it("refuses it before starting, leaving the app's config as it was", async () => {
    await expect(startTestRunner(app, { runner: (a) => new ThreadRunner(a) })).rejects.toThrow(
      /ThreadRunner runs invocations in child threads or processes/,
    );
    expect(app.appId).toBe("shop");
    expect(app.conf.backend).toBe("redis");
  });
});

describe("an app given an opened backend in code", () => {
  it("runs its tests on a fresh memory backend of the registry, never on that object", async () => {
    const own = createMemoryBackend({ appId: "own-store" });
    const withOwn = new Tsnenc(
      { appId: "own-store", backend: own, loggingLevel: "error" },
      { cwd: tempDir(), env: {} },
    );
    const double = withOwn.task("double", async (x: number) => 2 * x);
    try {
      await using started = await startTestRunner(withOwn);
      expect(await double(4).result()).toBe(8);
      expect(withOwn.backend).not.toBe(own);
      expect(started.appId).not.toBe("own-store");
      expect(await own.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([]);
    } finally {
      await own.close();
    }
  });
});
