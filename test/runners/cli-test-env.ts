// Per-test environment of the process-level tests (cli-*.test.ts): a fresh app id and temp
// directory (SQLite file, marks file, working directory of the processes), the fixture app of
// fixtures/process-app.ts as the test's client, and processes pointed at the same backend.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, beforeEach, expect } from "vitest";
import type { TsnencConfig } from "../../src/index.js";
import { REDIS_URL } from "../backends/redis-service.js";
import { expectAllHistoriesValid } from "../helpers/app.js";
import { compiledPath } from "../helpers/compiled.js";
import {
  type NodeProcess,
  type NodeProcessOptions,
  type ProcessBackend,
  type RunnerProcess,
  spawnNodeScript,
  startRunnerProcess,
  stopAllProcesses,
} from "../helpers/processes.js";
import { redisKeysOf } from "../helpers/redis-keys.js";
import { app } from "./fixtures/process-app.js";

export type BackendKind = ProcessBackend["backend"];

/** Recovery shortened for the test, for the runner processes (env) and the client (app.conf). */
export const FAST_RECOVERY = {
  runnerConsideredDeadAfterMs: 3_000,
  runnerHeartbeatIntervalMs: 300,
  globalServiceIntervalMs: 200,
} satisfies TsnencConfig;

/**
 * The configured recovery time: the dead runner's heartbeat ages out, then the maintenance
 * lease (3 service intervals) a dead runner may still hold expires and a service round runs.
 */
export const RECOVERY_MS =
  FAST_RECOVERY.runnerConsideredDeadAfterMs +
  FAST_RECOVERY.runnerHeartbeatIntervalMs +
  4 * FAST_RECOVERY.globalServiceIntervalMs;
/** Allowance on top of it for a loaded 2-core CI machine (process start-up, SQLite busy waits). */
export const SLACK_MS = 20_000;

/** What a test may add to the processes it starts. */
export interface ExtraProcessOptions {
  /** Config on top of the file's. */
  config?: TsnencConfig;
  ownProcessGroup?: boolean;
}

export interface ProcessTestEnv {
  /** The test's marks file. */
  readonly marks: string;
  readonly appId: string;
  /** Starts `tsnenc runner start --runner <runner>` on the compiled fixture app. */
  startRunner(runner: string, extra?: ExtraProcessOptions): RunnerProcess;
  /** Runs a compiled fixture script, e.g. ("claim-and-die", [runnerId]). */
  runFixture(name: string, args: readonly string[], extra?: ExtraProcessOptions): NodeProcess;
}

/**
 * Registers the hooks of a process-level test file: before each test the fixture app gets a
 * fresh app id on `backend` plus `config` (run-time assignments), and the processes the test
 * starts get the same by env. After each: processes stopped, every stored history checked,
 * the app's data purged (Redis: no key of the app left), the temp directory removed.
 */
export function useProcessTestEnv(backend: BackendKind, config: TsnencConfig = {}): ProcessTestEnv {
  let dir = "";
  let processBackend: ProcessBackend = { backend: "sqlite", sqlitePath: "" };
  const env = { marks: "", appId: "" } as ProcessTestEnv & { marks: string; appId: string };

  const options = (extra: ExtraProcessOptions = {}): NodeProcessOptions => ({
    backend: processBackend,
    // Warnings (recoveries, hand-backs) end up in the captured stderr.
    config: { appId: env.appId, loggingLevel: "warning", ...config, ...extra.config },
    cwd: dir,
    ownProcessGroup: extra.ownProcessGroup ?? false,
  });
  env.startRunner = (runner, extra) =>
    startRunnerProcess({
      ...options(extra),
      app: { path: compiledPath("test/runners/fixtures/process-app.ts"), exportName: "app" },
      runner,
    });
  env.runFixture = (name, args, extra) =>
    spawnNodeScript(compiledPath(`test/runners/fixtures/${name}.ts`), args, options(extra));

  beforeEach(async () => {
    await app.close();
    for (const field of Object.keys(app.conf.runtimeValues())) app.conf.reset(field as keyof TsnencConfig);
    dir = mkdtempSync(join(tmpdir(), "tsnenc-cli-"));
    env.marks = join(dir, "marks.txt");
    env.appId = `cli-${randomUUID()}`;
    processBackend =
      backend === "sqlite"
        ? { backend: "sqlite", sqlitePath: join(dir, "tsnenc.db") }
        : { backend: "redis", redisUrl: REDIS_URL };
    const values: TsnencConfig = { ...processBackend, appId: env.appId, loggingLevel: "error", ...config };
    for (const [field, value] of Object.entries(values))
      app.conf.set(field as keyof TsnencConfig, value as never);
  });

  afterEach(async () => {
    try {
      await stopAllProcesses();
      await expectAllHistoriesValid(app);
    } finally {
      try {
        if (backend === "redis") {
          await app.purge();
          expect(await redisKeysOfApp(env.appId), "Redis keys left after purge").toEqual([]);
        }
      } finally {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
  return env;
}

/** The Redis keys of an app (prefix `tsnenc`). */
async function redisKeysOfApp(appId: string): Promise<string[]> {
  const admin = new Redis(REDIS_URL);
  try {
    return await redisKeysOf(admin, appId);
  } finally {
    admin.disconnect();
  }
}
