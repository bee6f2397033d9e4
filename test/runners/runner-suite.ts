import { describe, expect, it } from "vitest";
import type { Tsnenc, TsnencConfig } from "../../src/index.js";
import type { BaseRunner } from "../../src/runners/base-runner.js";
import type { AppModuleRef } from "../../src/runners/child/app-module.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { describeWithRedis } from "../backends/redis-service.js";
import { APP_MODULE, eventually, fixtures, type RunnerBackend, useRunnerTestEnv, within } from "./helpers.js";

const { add, app, blockOnce, flaky, noop, readMarks, sumOfIncrements } = fixtures;

const S = InvocationStatus;

/** A new runner of the kind under test (not started), for the fixture app (classes: `tsnenc` of ./helpers.ts). */
export type MakeRunner = (app: Tsnenc, appModule: AppModuleRef) => BaseRunner;

export interface RunnerSuiteOptions {
  /** The backend of every test (default SQLite; Redis tests skip loudly without a server). */
  backend?: RunnerBackend;
  /** Invocations of the "many no-ops" test (default 200). */
  manyInvocations?: number;
  /** Config of every test, besides the backend and the fresh app id. */
  config?: TsnencConfig;
  /** Timeout of each test (default 60 s). */
  timeoutMs?: number;
}

/** Statuses of an invocation's history. */
async function statusesOf(invocation: { history(): Promise<Array<{ status: string }>> }): Promise<string[]> {
  return (await invocation.history()).map((h) => h.status);
}

const BACKEND_NAMES: Record<RunnerBackend, string> = { sqlite: "SQLite", redis: "Redis" };

/**
 * The behaviour every runner shares, on a backend shared by real processes: results,
 * exactly-once execution, retries, waiting on children, hand-back on stop. Every stored history
 * is checked after each test. Await it (on Redis it first checks that the server answers).
 */
export async function describeRunnerSuite(
  name: string,
  makeRunner: MakeRunner,
  options: RunnerSuiteOptions = {},
): Promise<void> {
  const backend = options.backend ?? "sqlite";
  const title = `${name}: runner suite (${BACKEND_NAMES[backend]})`;
  if (backend === "redis") await describeWithRedis(title, () => defineSuite(title, makeRunner, options));
  else defineSuite(title, makeRunner, options);
}

function defineSuite(title: string, makeRunner: MakeRunner, options: RunnerSuiteOptions): void {
  const many = options.manyInvocations ?? 200;
  const timeout = options.timeoutMs ?? 60_000;
  const resultMs = timeout - 5_000;

  describe(title, () => {
    const env = useRunnerTestEnv(options.config, options.backend);

    it("add(1, 2) = 3, with history REGISTERED, PENDING, RUNNING, SUCCESS", { timeout }, async () => {
      const runner = env.start(makeRunner(app, APP_MODULE));
      const invocation = await add(1, 2);
      expect(await within(invocation.result(), resultMs, "add(1, 2)")).toBe(3);
      expect(await statusesOf(invocation)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
      await runner.stop();
    });

    it(`${many} no-op invocations all succeed, each executed exactly once`, { timeout }, async () => {
      const runner = env.start(makeRunner(app, APP_MODULE));
      const group = await noop.parallelize(
        Array.from({ length: many }, (_, i) => [i, env.marks] as [number, string]),
      );
      const results = await within(group.all(), resultMs, `${many} no-ops`);
      expect(results).toEqual(Array.from({ length: many }, (_, i) => i));
      const marks = readMarks(env.marks).sort();
      expect(marks).toEqual(Array.from({ length: many }, (_, i) => `noop ${i}`).sort());
      await runner.stop();
    });

    it("retries after a RetryError, then succeeds", { timeout }, async () => {
      const runner = env.start(makeRunner(app, APP_MODULE));
      const invocation = await flaky(env.marks);
      expect(await within(invocation.result(), resultMs, "flaky")).toBe(2);
      const statuses = await statusesOf(invocation);
      expect(statuses).toContain(S.RETRY);
      expect(statuses.at(-1)).toBe(S.SUCCESS);
      await runner.stop();
    });

    it("a parent task awaiting two children completes", { timeout }, async () => {
      const runner = env.start(makeRunner(app, APP_MODULE));
      const invocation = await sumOfIncrements(1, 2);
      expect(await within(invocation.result(), resultMs, "sumOfIncrements")).toBe(5);
      await runner.stop();
    });

    it("stopped mid-task, it hands the invocation back (KILLED, REROUTED); another runner finishes it", {
      timeout,
    }, async () => {
      const first = env.start(makeRunner(app, APP_MODULE));
      const invocation = await blockOnce(env.marks, 60_000);
      await eventually(() => readMarks(env.marks).length > 0, "the first execution to start", resultMs / 2);
      expect(await invocation.status()).toBe(S.RUNNING);
      await first.stop();
      const afterStop = await statusesOf(invocation);
      const killed = afterStop.indexOf(S.KILLED);
      expect(killed).toBeGreaterThan(0);
      expect(afterStop[killed + 1]).toBe(S.REROUTED);
      const second = env.start(makeRunner(app, APP_MODULE));
      expect(await within(invocation.result(), resultMs / 2, "the second execution")).toBe("finished");
      expect(readMarks(env.marks).filter((line) => line.startsWith("start"))).toHaveLength(2);
      await second.stop();
    });
  });
}
