import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, expect } from "vitest";
import type { AppCore } from "../../src/engine/app-core.js";
import type { TsnencConfig } from "../../src/index.js";
import type { BaseRunner } from "../../src/runners/base-runner.js";
import type { AppModuleRef } from "../../src/runners/child/app-module.js";
import { REDIS_URL } from "../backends/redis-service.js";
import { expectAllHistoriesValid } from "../helpers/app.js";
import { compiledPath } from "../helpers/compiled.js";
import { redisKeysOf } from "../helpers/redis-keys.js";

export { eventually, within } from "../helpers/waiting.js";

/**
 * tsnenc and the fixture app as compiled by test/helpers/compiled-setup.ts: the runner tests
 * take the runner classes and the app from there, so that the runners' thread and process
 * workers (entry scripts next to the runner's module, and the app module) are JavaScript and
 * start without tsx. Same code as src/ and fixtures/runner-app.ts, typed as them.
 */
export const tsnenc = (await import(compiledPath("src/index.ts"))) as typeof import("../../src/index.js");
/** The compiled fixtures/runner-app.ts (client, in-process runners and workers use this copy). */
export const fixtures = (await import(
  compiledPath("test/runners/fixtures/runner-app.ts")
)) as typeof import("./fixtures/runner-app.js");

const { app } = fixtures;

/** The module the runners' children import: the compiled fixture app. */
export const APP_MODULE: AppModuleRef = {
  path: compiledPath("test/runners/fixtures/runner-app.ts"),
  exportName: "app",
};

/** The compiled copy of a fixture app module of this directory, e.g. "broken-app". */
export function compiledFixture(name: string): AppModuleRef {
  return { path: compiledPath(`test/runners/fixtures/${name}.ts`), exportName: "app" };
}

/** The backends the runner tests run on: both are shared by processes and threads. */
export type RunnerBackend = "sqlite" | "redis";

export interface StartedRunner<R extends BaseRunner = BaseRunner> {
  readonly runner: R;
  /** Stops the runner and waits until `run()` has resolved (rethrows its error). */
  stop(): Promise<void>;
}

export interface RunnerTestEnv {
  /** The test's marks file (tasks record their executions there). */
  readonly marks: string;
  /** The test's SQLite file (unused on Redis). */
  readonly dbPath: string;
  /** Runs `runner` until the test stops it (or the test ends). */
  start<R extends BaseRunner>(runner: R): StartedRunner<R>;
}

/**
 * Per test: the fixture app with a fresh app id on `backend` (a fresh SQLite file, or Redis,
 * whose keys are hash-tagged by app id), plus `config`, all as run-time assignments, which
 * runners pass on to their children. After each test: every runner still running is stopped,
 * every stored history is checked, the app's data is removed (on Redis: purged, and no key of
 * the app may be left).
 */
export function useRunnerTestEnv(
  config: TsnencConfig = {},
  backend: RunnerBackend = "sqlite",
): RunnerTestEnv {
  let dir = "";
  let started: StartedRunner[] = [];
  const admin = backend === "redis" ? new Redis(REDIS_URL, { lazyConnect: true }) : undefined;
  const env = {
    marks: "",
    dbPath: "",
    start<R extends BaseRunner>(runner: R): StartedRunner<R> {
      let failure: unknown;
      const done = runner.run().catch((error: unknown) => {
        failure = error;
      });
      const handle = {
        runner,
        async stop() {
          runner.stopRunnerLoop();
          await done;
          if (failure !== undefined) throw failure;
        },
      };
      started.push(handle);
      return handle;
    },
  };
  beforeEach(async () => {
    await app.close();
    for (const field of Object.keys(app.conf.runtimeValues())) app.conf.reset(field as keyof TsnencConfig);
    dir = mkdtempSync(join(tmpdir(), "tsnenc-runners-"));
    env.dbPath = join(dir, "tsnenc.db");
    env.marks = join(dir, "marks.txt");
    const store: TsnencConfig =
      backend === "redis"
        ? { backend: "redis", redisUrl: REDIS_URL }
        : { backend: "sqlite", sqlitePath: env.dbPath };
    const values: TsnencConfig = {
      appId: `runners-${randomUUID()}`,
      ...store,
      loggingLevel: "error",
      ...config,
    };
    for (const [field, value] of Object.entries(values))
      app.conf.set(field as keyof TsnencConfig, value as never);
  });
  afterEach(async () => {
    const running = started;
    started = [];
    try {
      await Promise.all(running.map((r) => r.stop().catch(() => {})));
      await expectAllHistoriesValid(app);
    } finally {
      try {
        if (admin) {
          await app.purge();
          expect(await redisKeysOf(admin, app.appId), "keys of the app left after purge").toEqual([]);
        }
      } finally {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
  afterAll(() => {
    admin?.disconnect();
  });
  return env;
}

/**
 * The most invocations of the fixture app that were executing (RUNNING or RESUMED) at the same
 * moment, from their stored histories (an end and a start at the same millisecond do not overlap).
 */
export async function mostExecutingAtOnce(of: AppCore = app): Promise<number> {
  const rows = await of.backend.orchestrator.listInvocations({ limit: 1_000_000, offset: 0 });
  const events: Array<{ at: number; delta: number }> = [];
  for (const row of rows) {
    const history = await of.backend.stateBackend.getHistory(row.invocationId);
    history.forEach((entry, index) => {
      if (entry.status !== "RUNNING" && entry.status !== "RESUMED") return;
      events.push({ at: entry.timestamp, delta: 1 });
      events.push({ at: history[index + 1]?.timestamp ?? Number.POSITIVE_INFINITY, delta: -1 });
    });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let most = 0;
  for (const { delta } of events) {
    current += delta;
    most = Math.max(most, current);
  }
  return most;
}
