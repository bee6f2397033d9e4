import { randomUUID } from "node:crypto";
import { afterEach, beforeEach } from "vitest";
import type { AppConfigValues, FieldName } from "../config/fields.js";
import { AsyncRunner, type BaseRunner, RunnerError, type Tsnenc } from "../index.js";

export interface TestRunnerOptions {
  /**
   * The runner to start on the app (default: an `AsyncRunner` with `handleSignals: false`).
   * It runs on the memory backend, so it must be one that runs in this process.
   */
  readonly runner?: (app: Tsnenc) => BaseRunner;
  /** `maxConcurrency` of the default AsyncRunner (default: config `maxConcurrency`). */
  readonly maxConcurrency?: number;
  /** Start of the fresh app ids (default: the app's configured id), then `-test-` and 8 hex digits. */
  readonly appIdPrefix?: string;
  /** Other config fields assigned for the test (run-time assignments, undone by `stop()`). */
  readonly config?: Partial<Omit<AppConfigValues, "appId" | "backend">>;
}

/** A runner started on an app for one test; `stop()` (or `await using`) undoes everything. */
export interface TestRunner extends AsyncDisposable {
  readonly app: Tsnenc;
  /** The fresh app id the app runs under until `stop()`. */
  readonly appId: string;
  readonly runner: BaseRunner;
  /**
   * Stops the runner (waiting until its loop has exited), purges and closes the test's memory
   * backend and gives the app back its own config. Rethrows the error the runner stopped on,
   * if any. Calling it again does nothing.
   */
  stop(): Promise<void>;
}

/**
 * Runs `app` for one test on the memory backend under a fresh app id, with a runner started:
 * a task called from the test runs in this process and nothing is left behind. `appId`,
 * `backend` (and `options.config`) are run-time assignments on `app.conf`, which win over every
 * source (env, files); `stop()` puts back what was there. The app's backend is closed first if
 * it was open. Works with the app module a project already has: its tasks stay registered.
 * Tests sharing one app run one after the other (not `concurrent`): the app has one config.
 *
 * @example
 * await using test = await startTestRunner(app);
 * expect(await add(1, 2).result()).toBe(3);
 */
export async function startTestRunner(app: Tsnenc, options: TestRunnerOptions = {}): Promise<TestRunner> {
  await app.close();
  const restore = assignForTest(app, options);
  const appId = app.appId;
  let runner: BaseRunner;
  try {
    runner = options.runner
      ? options.runner(app)
      : new AsyncRunner(app, {
          handleSignals: false,
          ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
        });
    refuseIfNotMemCompatible(runner);
  } catch (error) {
    restore();
    throw error;
  }
  let failure: { error: unknown } | null = null;
  const done = runner.run().catch((error: unknown) => {
    failure = { error };
  });
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      try {
        runner.stopRunnerLoop();
        await done;
        await app.purge();
      } finally {
        await app.close();
        restore();
      }
      if (failure) throw failure.error;
    })();
    return stopping;
  };
  // A runner that cannot start (a refused backend, say) fails the test here, not at its timeout.
  try {
    await runner.waitUntilStarted();
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { app, appId, runner, stop, [Symbol.asyncDispose]: stop };
}

/**
 * Registers vitest hooks that start a test runner on `app` before each test (fresh app id,
 * memory backend; see `startTestRunner`) and stop it after. Call it at the top of a test file
 * or inside a `describe`. The returned handle reads the current test's runner and app id.
 *
 * @example
 * import { useTestRunner } from "tsnenc/testing";
 * import { add } from "../src/tasks.js";
 * const test = useTestRunner(app);
 * it("adds", async () => expect(await add(1, 2).result()).toBe(3));
 */
export function useTestRunner(app: Tsnenc, options: TestRunnerOptions = {}): TestRunnerHandle {
  let current: TestRunner | null = null;
  beforeEach(async () => {
    current = await startTestRunner(app, options);
  });
  afterEach(async () => {
    const running = current;
    current = null;
    await running?.stop();
  });
  const active = (): TestRunner => {
    if (!current) throw new Error("the test runner is only available inside a test");
    return current;
  };
  return {
    app,
    get appId() {
      return active().appId;
    },
    get runner() {
      return active().runner;
    },
  };
}

/** What `useTestRunner` returns: the app, and the current test's app id and runner. */
export interface TestRunnerHandle {
  readonly app: Tsnenc;
  readonly appId: string;
  readonly runner: BaseRunner;
}

/** A runner that executes in children cannot use the memory backend: refused before it starts. */
function refuseIfNotMemCompatible(runner: BaseRunner): void {
  const runnerClass = runner.constructor as { name: string; memCompatible?: () => boolean };
  if (runnerClass.memCompatible && !runnerClass.memCompatible()) {
    throw new RunnerError(
      `startTestRunner: ${runnerClass.name} runs invocations in child threads or processes, which cannot ` +
        "see the memory backend of this process; use an AsyncRunner (the default)",
    );
  }
}

/** Assigns the test's fresh app id, the memory backend and `options.config`; returns the undo. */
function assignForTest(app: Tsnenc, options: TestRunnerOptions): () => void {
  const assigned: Record<string, unknown> = {
    ...options.config,
    appId: `${options.appIdPrefix ?? app.appId}-test-${randomUUID().slice(0, 8)}`,
    backend: "memory",
  };
  const before = app.conf.runtimeValues() as Record<string, unknown>;
  const fields = Object.keys(assigned) as FieldName[];
  const undo = () => {
    for (const field of fields) {
      if (Object.hasOwn(before, field)) app.conf.set(field, before[field] as never);
      else app.conf.reset(field);
    }
  };
  try {
    for (const field of fields) app.conf.set(field, assigned[field] as never);
  } catch (error) {
    undo();
    throw error;
  }
  return undo;
}
