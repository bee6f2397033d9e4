// The running-concurrency race on Redis: 4 `tsnenc runner start` processes execute
// invocations of a task with running concurrency `keys`, limit 1, over 20 keys: 400 in the
// regular suite (20 per key, 4 runners of 8 slots each for 20 keys: claims still meet busy
// keys, which the test requires), 2,000 in the load run (test/helpers/load.ts). Measured from
// the marks each execution appends (start and end, in append order, with their clock times):
// never two executions of one key at once; all complete, each once; every history valid.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, expect, it } from "vitest";
import type { TsnencConfig } from "../../src/index.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { describeWithRedis, REDIS_URL } from "../backends/redis-service.js";
import { expectAllHistoriesValid } from "../helpers/app.js";
import { compiledPath } from "../helpers/compiled.js";
import { sized } from "../helpers/load.js";
import { eventually, startRunnerProcess, stopAllProcesses, within } from "../helpers/processes.js";
import { app, type KeyedJob, type KeyedMark, keyed, readKeyedMarks } from "./fixtures/keyed-app.js";

const RUNNERS = 4;
const INVOCATIONS = sized(400, 2_000);
const KEYS = 20;
/** Slots of each runner process: more than its share of keys, so claims meet busy keys. */
const RUNNER_CONCURRENCY = 8;

/** From the marks in append order: the most executions at once of one key, and of all keys. */
function mostAtOnce(marks: readonly KeyedMark[]): { perKey: number; total: number } {
  const running = new Map<string, number>();
  let perKey = 0;
  let current = 0;
  let total = 0;
  for (const { event, key } of marks) {
    const delta = event === "start" ? 1 : -1;
    const count = (running.get(key) ?? 0) + delta;
    running.set(key, count);
    perKey = Math.max(perKey, count);
    current += delta;
    total = Math.max(total, current);
  }
  return { perKey, total };
}

/** By clock time: the executions of a key that started before the previous one of it ended. */
function clockOverlaps(marks: readonly KeyedMark[]): string[] {
  const open = new Map<string, KeyedMark>();
  const byKey = new Map<string, Array<{ start: KeyedMark; end: KeyedMark }>>();
  for (const mark of marks) {
    const execution = `${mark.i} ${mark.pid}`;
    if (mark.event === "start") open.set(execution, mark);
    const start = open.get(execution);
    if (mark.event !== "end" || !start) continue;
    open.delete(execution);
    byKey.set(mark.key, [...(byKey.get(mark.key) ?? []), { start, end: mark }]);
  }
  const overlaps: string[] = [];
  for (const [key, executions] of byKey) {
    executions.sort((a, b) => a.start.at - b.start.at);
    executions.forEach((execution, n) => {
      const previous = executions[n - 1];
      if (previous && execution.start.at < previous.end.at)
        overlaps.push(
          `${key}: ${execution.start.i} started at ${execution.start.at}, ${previous.start.i} ended at ${previous.end.at}`,
        );
    });
  }
  return overlaps;
}

await describeWithRedis("Redis: running concurrency race between runner processes", () => {
  const admin = new Redis(REDIS_URL, { lazyConnect: true });
  let dir = "";

  beforeEach(async () => {
    await app.close();
    for (const field of Object.keys(app.conf.runtimeValues())) app.conf.reset(field as keyof TsnencConfig);
    dir = mkdtempSync(join(tmpdir(), "tsnenc-race-"));
    const values: TsnencConfig = {
      appId: `race-${randomUUID()}`,
      backend: "redis",
      redisUrl: REDIS_URL,
      loggingLevel: "error",
    };
    for (const [field, value] of Object.entries(values))
      app.conf.set(field as keyof TsnencConfig, value as never);
  });

  afterEach(async () => {
    try {
      await stopAllProcesses();
      await app.purge();
      expect(await admin.keys(`{tsnenc:${app.appId}}:*`), "keys of the app left").toEqual([]);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  afterAll(() => {
    admin.disconnect();
  });

  it(`${RUNNERS} runner processes, ${INVOCATIONS} invocations, running concurrency keys limit 1 over ${KEYS} keys`, {
    timeout: 180_000,
  }, async () => {
    const startedAt = performance.now();
    const marks = join(dir, "marks.txt");
    const runners = Array.from({ length: RUNNERS }, () =>
      startRunnerProcess({
        backend: { backend: "redis", redisUrl: REDIS_URL },
        config: { appId: app.appId, loggingLevel: "warning", maxConcurrency: RUNNER_CONCURRENCY },
        cwd: dir,
        app: { path: compiledPath("test/runners/fixtures/keyed-app.ts"), exportName: "app" },
        runner: "AsyncRunner",
      }),
    );
    const runnerIds = await Promise.all(runners.map((runner) => runner.started));
    await eventually(async () => {
      const active = await app.backend.orchestrator.activeRunners(Date.now() - 60_000);
      return runnerIds.every((id) => active.some((runner) => runner.runnerId === id));
    }, `${RUNNERS} runners to heartbeat`);

    const jobs = Array.from({ length: INVOCATIONS }, (_, i): [KeyedJob] => [
      { key: `k${i % KEYS}`, i, marksFile: marks },
    ]);
    const group = await keyed.parallelize(jobs);
    const results = await within(group.all(), 150_000, `${INVOCATIONS} results`);
    expect(results).toEqual(Array.from({ length: INVOCATIONS }, (_, i) => i));
    const executedMs = Math.round(performance.now() - startedAt);

    const recorded = readKeyedMarks(marks);
    const starts = recorded.filter((mark) => mark.event === "start");
    expect(
      starts.map((mark) => mark.i).sort((a, b) => a - b),
      "each invocation executed once",
    ).toEqual(Array.from({ length: INVOCATIONS }, (_, i) => i));
    const most = mostAtOnce(recorded);
    expect(most.perKey, "executions of one key at once (marks in append order)").toBe(1);
    expect(clockOverlaps(recorded), "executions of one key overlapping in clock time").toEqual([]);
    expect(most.total, "keys executed in parallel").toBeGreaterThan(1);
    const perRunner = runners.map((runner) => starts.filter((mark) => mark.pid === runner.pid).length);
    for (const count of perRunner)
      expect(count, `executions per runner process: ${perRunner}`).toBeGreaterThan(0);

    expect(await expectAllHistoriesValid(app)).toBe(INVOCATIONS);
    let rerouted = 0;
    for (const invocation of group.invocations) {
      const statuses = (await invocation.history()).map((entry) => entry.status);
      expect(statuses.at(-1)).toBe(InvocationStatus.SUCCESS);
      if (statuses.includes(InvocationStatus.CONCURRENCY_CONTROLLED)) rerouted++;
    }
    expect(rerouted, "invocations that met a busy key").toBeGreaterThan(0);

    const exits = await Promise.all(
      runners.map((runner) => within(runner.stop(), 30_000, "a runner to stop")),
    );
    for (const [n, runner] of runners.entries())
      expect(exits[n], `runner ${runner.pid}:\n${runner.stderr()}`).toEqual({ code: 0, signal: null });
    process.stderr.write(
      `[redis-race] ${INVOCATIONS} invocations on ${RUNNERS} runners in ${executedMs} ms (per runner ` +
        `${perRunner.join("/")}); at most ${most.total} at once over ${KEYS} keys, 1 per key; ${rerouted} rerouted\n`,
    );
  });
});
