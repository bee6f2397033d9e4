// The runner core's rules, in one process on the memory backend: each runner kind's config
// fields and options are refused on another kind, memCompatible() decides whether a runner
// may use a backend that lives in one process, stop() / `await using`, and what `app.runner` is.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  AsyncRunner,
  BaseRunner,
  ConfigError,
  ExternalRunner,
  MultiProcessRunner,
  PersistentProcessRunner,
  ProcessRunner,
  RunnerError,
  RunnerNotExecutableError,
  ThreadRunner,
} from "../../src/index.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const APP_MODULE = { path: fileURLToPath(new URL("../runners/fixtures/runner-app.ts", import.meta.url)) };

function configErrorOf(build: () => unknown): ConfigError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("runner-kind config fields", () => {
  it("are refused on another runner kind, naming the key, the value, the runner and its runner", () => {
    const err = configErrorOf(() => new AsyncRunner(app({ numThreads: 3 }), { handleSignals: false }));
    expect(err.key).toBe("numThreads");
    expect(err.message).toMatch(
      /config 'numThreads': 3 \(from code: app options\) applies to ThreadRunner only/,
    );
    expect(err.message).toContain("the runner being built is AsyncRunner");
  });

  it("from run-time assignment, or from any source when config `runner` names the runner built", () => {
    const atRunTime = app();
    atRunTime.conf.maxRunningProcesses = 2;
    expect(configErrorOf(() => new MultiProcessRunner(atRunTime)).message).toMatch(
      /'maxRunningProcesses': 2 \(from runtime.*applies to ProcessRunner only.*being built is MultiProcessRunner/,
    );
    const contradicting = app({}, { TSNENC__RUNNER: "ProcessRunner", TSNENC__MAX_PROCESSES: "3" });
    const err = configErrorOf(() => new ProcessRunner(contradicting, { appModule: APP_MODULE }));
    expect(err.message).toMatch(
      /'maxProcesses': 3 \(from env: TSNENC__MAX_PROCESSES\) applies to MultiProcessRunner only/,
    );
    expect(err.message).toContain("(ProcessRunner's field is maxRunningProcesses)");
  });

  it("set in the environment or a file for another configured runner: a warning, not a refusal", () => {
    // One config may size several runner kinds: a test harness builds an AsyncRunner beside it.
    const lines: string[] = [];
    const shared = app({}, { TSNENC__RUNNER: "ThreadRunner", TSNENC__NUM_THREADS: "4" });
    const warn = shared.logger.warn.bind(shared.logger);
    shared.logger.warn = (message, fields) => {
      lines.push(message);
      warn(message, fields);
    };
    expect(new AsyncRunner(shared, { handleSignals: false }).maxParallelSlots).toBe(50);
    expect(lines).toEqual([
      expect.stringMatching(
        /config 'numThreads': 4 \(from env: TSNENC__NUM_THREADS\) applies to ThreadRunner only.*ignored/,
      ),
    ]);
    expect(new ThreadRunner(shared).numThreads).toBe(4);
  });

  it("size the runner they apply to, and are not checked when left at their defaults", () => {
    expect(new ThreadRunner(app({ numThreads: 3, threadConcurrency: 2 })).maxParallelSlots).toBe(6);
    expect(
      new PersistentProcessRunner(app({ numProcesses: 2, processConcurrency: 3 })).maxParallelSlots,
    ).toBe(6);
    expect(new ProcessRunner(app({ maxRunningProcesses: 4 })).maxParallelSlots).toBe(4);
    const multi = new MultiProcessRunner(app({ minProcesses: 2, maxProcesses: 3, maxConcurrency: 5 }));
    expect([multi.minProcesses, multi.maxProcesses, multi.maxParallelSlots]).toEqual([2, 3, 15]);
    expect(new AsyncRunner(app({ maxConcurrency: 4 })).maxParallelSlots).toBe(4);
  });
});

describe("runner options", () => {
  it("an option of another runner is refused at construction (for JavaScript callers)", () => {
    const err = configErrorOf(() => new ProcessRunner(app(), { maxProcesses: 2 } as never));
    expect(err.key).toBe("maxProcesses");
    expect(err.message).toMatch(
      /'maxProcesses': 2 does not apply to ProcessRunner \(it applies to MultiProcessRunner\); ProcessRunner's option is maxRunningProcesses/,
    );
    expect(configErrorOf(() => new ProcessRunner(app(), { stopGraceMs: 5 } as never)).message).toContain(
      "does not apply to ProcessRunner (it applies to ThreadRunner, PersistentProcessRunner, MultiProcessRunner)",
    );
    expect(configErrorOf(() => new AsyncRunner(app(), { numThreads: 1 } as never)).message).toContain(
      "it applies to ThreadRunner",
    );
    // A key no runner takes is a subclass's own option: not refused.
    expect(new ThreadRunner(app(), { nope: true } as never).numThreads).toBeGreaterThan(0);
  });

  it("sizing options out of range are refused, naming the option and the allowed values", () => {
    expect(configErrorOf(() => new ThreadRunner(app(), { numThreads: -3 })).message).toBe(
      "config 'numThreads': ThreadRunner option -3 is not allowed: an integer >= 0 is",
    );
    expect(configErrorOf(() => new AsyncRunner(app(), { maxConcurrency: 0 })).key).toBe("maxConcurrency");
    expect(configErrorOf(() => new ProcessRunner(app(), { warmProcesses: 0 })).key).toBe("warmProcesses");
    expect(configErrorOf(() => new PersistentProcessRunner(app(), { concurrency: 1.5 })).key).toBe(
      "concurrency",
    );
  });
});

describe("memCompatible() decides which runner may use a backend of one process", () => {
  it("a runner whose class is not memCompatible is refused on the memory backend, saying why", async () => {
    const a = app();
    expect(a.backend.capabilities.sharedAcrossProcesses).toBe(false);
    await expect(new ThreadRunner(a, { handleSignals: false, appModule: APP_MODULE }).run()).rejects.toThrow(
      /ThreadRunner cannot run on the memory backend: .*memory backend is not shared across processes/,
    );
    class OutOfProcessRunner extends AsyncRunner {
      static override memCompatible(): boolean {
        return false;
      }
    }
    const refused = new OutOfProcessRunner(a, { handleSignals: false }).run();
    await expect(refused).rejects.toBeInstanceOf(RunnerError);
    await expect(refused).rejects.toThrow(/OutOfProcessRunner cannot run on the memory backend/);
  });
});

describe("stop() and await using", () => {
  it("stop() resolves once run() has exited, and at once for a runner that never ran", async () => {
    const a = app();
    await new AsyncRunner(a, { handleSignals: false }).stop();
    const runner = new AsyncRunner(a, { handleSignals: false });
    let exited = false;
    const done = runner.run().then(() => {
      exited = true;
    });
    await until(() => runner.isRunning, "the runner to start");
    await runner.stop();
    expect(exited).toBe(true);
    await done;
  });

  it("`await using` stops the runner at the end of its scope", async () => {
    expect(Symbol.asyncDispose).toBe(Symbol.for("nodejs.asyncDispose"));
    const a = app();
    const double = a.task("double", async (x: number) => x * 2);
    let kept: AsyncRunner | undefined;
    {
      await using runner = new AsyncRunner(a, { handleSignals: false });
      kept = runner;
      void runner.run();
      expect(await double(21).result()).toBe(42);
      expect(runner.isRunning).toBe(true);
    }
    expect(kept.isRunning).toBe(false);
    expect(await kept.waitUntilStopped(0)).toBe(true);
  });
});

describe("app.runner", () => {
  it("with no runner configured and none running: an ExternalRunner whose run() throws", async () => {
    const a = app();
    expect(a.conf.runner).toBe("");
    expect(a.runner).toBeInstanceOf(ExternalRunner);
    await expect(a.runner.run()).rejects.toBeInstanceOf(RunnerNotExecutableError);
  });

  it("the configured runner, when one is configured", () => {
    expect(app({ runner: "AsyncRunner" }).runner).toBeInstanceOf(AsyncRunner);
  });

  it("the runner running in this process while it runs; inside a task, the one executing it", async () => {
    const a = app();
    const whoRuns = a.task("whoRuns", async () => a.runner.runnerId);
    const started = startRunner(a);
    await until(() => started.runner.isRunning, "the runner to start");
    expect(a.runner).toBe(started.runner);
    expect(await whoRuns().result()).toBe(started.runner.runnerId);
    await started.stop();
    expect(a.runner).toBeInstanceOf(ExternalRunner);
  });
});

describe("a BaseRunner subclass written the pynenc way (no executor)", () => {
  it("runs its own runnerLoopIteration() under the core's loop, and stop() ends it", async () => {
    let iterations = 0;
    class CountingRunner extends BaseRunner {
      override get maxParallelSlots(): number {
        return 1;
      }
      override async runnerLoopIteration(): Promise<void> {
        iterations++;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    const runner = new CountingRunner(app(), { handleSignals: false });
    const running = runner.run();
    await until(() => iterations >= 3, "three loop iterations");
    await runner.stop();
    await running;
    expect(runner.isRunning).toBe(false);
  });

  it("one that overrides nothing is refused when it runs, naming what to override", async () => {
    class EmptyRunner extends BaseRunner {}
    const runner = new EmptyRunner(app(), { handleSignals: false });
    await expect(runner.run()).rejects.toThrow(/EmptyRunner must override maxParallelSlots/);
  });
});

describe("waitUntilStarted()", () => {
  it("resolves once the runner runs; rejects with the error that ended run() before it started", async () => {
    const a = app();
    const runner = new AsyncRunner(a, { handleSignals: false });
    const started = runner.waitUntilStarted();
    const running = runner.run();
    await started;
    expect(runner.isRunning).toBe(true);
    await runner.stop();
    await running;
    const refused = new ThreadRunner(a, { handleSignals: false, appModule: APP_MODULE });
    const run = refused.run().catch(() => {});
    await expect(refused.waitUntilStarted()).rejects.toThrow(/ThreadRunner cannot run on the memory backend/);
    await run;
  });
});
