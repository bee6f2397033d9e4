import { hostname } from "node:os";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AsyncRunner,
  BaseRunner,
  DummyRunner,
  ExternalRunner,
  RunnerNotExecutableError,
} from "../../src/index.js";
import { expectAllHistoriesValid, startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();

describe("runner life cycle", () => {
  it("stopping a runner mid-task gives KILLED then REROUTED, and another runner finishes it", async () => {
    const a = app();
    let calls = 0;
    let release: () => void = () => {};
    const slow = a.task("slow", async (x: number) => {
      calls++;
      if (calls === 1) await new Promise<void>((resolve) => (release = resolve));
      return x * 2;
    });
    const first = startRunner(a);
    const inv = await slow(21);
    await until(async () => (await inv.status()) === "RUNNING", "the first runner to start the task");
    await first.stop();
    expect(await first.runner.waitUntilStopped()).toBe(true);
    const afterStop = (await inv.history()).map((h) => h.status);
    expect(afterStop.slice(-2)).toEqual(["KILLED", "REROUTED"]);
    const second = startRunner(a);
    expect(await inv.result()).toBe(42);
    release(); // the orphaned first execution ends; its late result must not count
    await new Promise((resolve) => setTimeout(resolve, 10));
    const history = await inv.history();
    expect(history.map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "KILLED",
      "REROUTED",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
    expect(history.at(-1)?.runnerId).toBe(second.runner.runnerId);
    await second.stop();
    await expectAllHistoriesValid(a);
  });

  it("a paused invocation is handed back on stop too", async () => {
    const a = app();
    let open = true;
    const gates: Array<() => void> = [];
    const child = a.task("child", async () => {
      if (open) await new Promise<void>((resolve) => gates.push(resolve));
      return 1;
    });
    const parent = a.task("parent", async () => (await child().result()) + 1);
    const first = startRunner(a, { maxConcurrency: 2 });
    const inv = await parent();
    await until(async () => (await inv.status()) === "PAUSED", "the parent to pause");
    await first.stop();
    const statuses = (await inv.history()).map((h) => h.status);
    expect(statuses.slice(-2)).toEqual(["KILLED", "REROUTED"]);
    open = false;
    for (const release of gates.splice(0)) release(); // the orphaned first execution ends; it must not count
    const second = startRunner(a, { maxConcurrency: 2 });
    expect(await inv.result()).toBe(2);
    const history = (await inv.history()).map((h) => h.status);
    expect(history.slice(0, 8)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "PAUSED",
      "KILLED",
      "REROUTED",
      "PENDING",
      "RUNNING",
    ]);
    expect(history.at(-1)).toBe("SUCCESS"); // PAUSED/RESUMED in between unless the child won the race
    await second.stop();
  });
  it("waitUntilStopped is true at once for a runner that never started, and after run() exits", async () => {
    const a = app();
    const runner = new AsyncRunner(a, { handleSignals: false });
    expect(await runner.waitUntilStopped(10)).toBe(true);
    const done = runner.run();
    expect(await runner.waitUntilStopped(20)).toBe(false);
    runner.stopRunnerLoop();
    await done;
    expect(await runner.waitUntilStopped(10)).toBe(true);
  });

  it("SIGTERM stops a runner that handles signals", async () => {
    const a = app();
    const runner = new AsyncRunner(a);
    const before = process.listenerCount("SIGTERM");
    const done = runner.run();
    await until(
      () => runner.isRunning && process.listenerCount("SIGTERM") > before,
      "the runner to start and listen to SIGTERM",
    );
    process.emit("SIGTERM", "SIGTERM");
    await done;
    expect(runner.isRunning).toBe(false);
  });

  it("runners heartbeat and store their context", async () => {
    const a = app();
    const r = startRunner(a);
    await until(async () => (await a.backend.orchestrator.activeRunners(0)).length > 0, "a heartbeat");
    const [beat] = await a.backend.orchestrator.activeRunners(0);
    expect(beat?.runnerId).toBe(r.runner.runnerId);
    expect(
      JSON.parse((await a.backend.stateBackend.getRunnerContext(r.runner.runnerId)) ?? "{}"),
    ).toMatchObject({
      runnerClass: "AsyncRunner",
      pid: process.pid,
    });
    await r.stop();
  });

  it("imports config triggerTaskModules at start; a module that fails is logged, the runner still starts", async () => {
    const a = app({ triggerTaskModules: [resolve("test/fixtures/extra-tasks.ts"), "./no/such/module.js"] });
    const before = (globalThis as { tsnencExtraTasksLoaded?: number }).tsnencExtraTasksLoaded ?? 0;
    const r = startRunner(a);
    await until(() => r.runner.isRunning, "runner start");
    const t = a.task("t", async () => 1);
    expect(await t().result()).toBe(1);
    expect((globalThis as { tsnencExtraTasksLoaded?: number }).tsnencExtraTasksLoaded).toBe(before + 1);
    await r.stop();
  });

  it("AsyncRunner exposes the BaseRunner members", async () => {
    const a = app({ maxConcurrency: 7, runner: "AsyncRunner" });
    const runner = new AsyncRunner(a, { handleSignals: false });
    expect(runner).toBeInstanceOf(BaseRunner);
    expect(AsyncRunner.memCompatible()).toBe(true);
    expect(runner.maxParallelSlots).toBe(7);
    expect(runner.getActiveChildRunnerIds()).toEqual([]);
    expect(runner.runnerContext.runnerClass).toBe("AsyncRunner");
    expect(runner.logger).toBe(a.logger);
    expect(a.runner).toBeInstanceOf(AsyncRunner);
    expect(() => new AsyncRunner(a, { maxConcurrency: 0 })).toThrow(/maxConcurrency/);
  });
});

describe("DummyRunner and ExternalRunner", () => {
  it("DummyRunner cannot execute, and waiting from it just waits", async () => {
    const a = app({ runner: "DummyRunner" });
    const runner = a.runner;
    expect(runner).toBeInstanceOf(DummyRunner);
    expect(() => DummyRunner.memCompatible()).toThrow(RunnerNotExecutableError);
    expect(() => runner.maxParallelSlots).toThrow(RunnerNotExecutableError);
    await expect(runner.runnerLoopIteration()).rejects.toBeInstanceOf(RunnerNotExecutableError);
    await expect(runner.run()).rejects.toBeInstanceOf(RunnerNotExecutableError);
    expect(runner.getActiveChildRunnerIds()).toEqual([]);
    expect(await runner.waitUntilStopped()).toBe(true);
    const add = a.task("add", async (x: number, y: number) => x + y);
    const inv = await add(2, 3);
    const waiting = runner.waitingForResults(null, [inv.invocationId]);
    const worker = startRunner(a);
    await waiting;
    expect(await inv.result()).toBe(5);
    await worker.stop();
  });

  it("ExternalRunner's context id ends with <hostname>-<pid> and registrations carry it", async () => {
    const ctx = ExternalRunner.getDefaultExternalRunnerContext();
    expect(ctx.runnerId.endsWith(`${hostname()}-${process.pid}`)).toBe(true);
    expect(ctx.runnerId).toBe(`ExternalRunner@${hostname()}-${process.pid}`);
    const a = app({ runner: "ExternalRunner" });
    expect(a.runner).toBeInstanceOf(ExternalRunner);
    expect(a.runner).toBeInstanceOf(DummyRunner);
    const t = a.task("t", async () => 1);
    const inv = await t();
    expect((await inv.history())[0]?.runnerId).toBe(ctx.runnerId);
  });
});
