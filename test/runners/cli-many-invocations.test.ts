// A client process registers invocations; two `tsnenc runner start` processes (each runner
// kind in turn) execute them; every one succeeds exactly once, both runners take part, and
// each runner stops on SIGTERM with exit code 0. 100 invocations (ProcessRunner: 40, one
// process each) in the regular suite, 1,000 in the load run (test/helpers/load.ts): exactly-once
// is decided per claim, so the small size shows it as well (and both runners claim: the
// client registers only once both can).
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import type { TsnencConfig } from "../../src/index.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { describeWithRedis } from "../backends/redis-service.js";
import { sized } from "../helpers/load.js";
import { eventually, within } from "../helpers/processes.js";
import { type BackendKind, useProcessTestEnv } from "./cli-test-env.js";
import { app, readMarks } from "./fixtures/process-app.js";

const S = InvocationStatus;
/** Invocations per test (per runner kind where COUNTS names one). */
const DEFAULT_COUNT = sized(100, 1_000);
/** ProcessRunner starts a process per invocation (~0.15 CPU-s each). */
const COUNTS: Record<string, number> = { ProcessRunner: sized(40, 1_000) };
const ALL_RUNNERS = [
  "AsyncRunner",
  "ThreadRunner",
  "ProcessRunner",
  "PersistentProcessRunner",
  "MultiProcessRunner",
];
/** Workers per runner process (CI has 2 cores; 0 would mean one per core anyway), in each runner's own field. */
const SIZES: Record<string, TsnencConfig> = {
  ProcessRunner: { maxRunningProcesses: 2 },
  PersistentProcessRunner: { numProcesses: 2 },
  ThreadRunner: { numThreads: 2 },
  MultiProcessRunner: { maxProcesses: 2 },
};
/**
 * Slots of each AsyncRunner (alone or as a MultiProcessRunner worker): fewer than half the
 * invocations, so that neither runner can claim them all at once.
 */
const SLOTS: TsnencConfig = { maxConcurrency: 10 };
/** ProcessRunner, 1,000 invocations: ~150 s on a loaded 2-core machine. */
const TIMEOUT_MS: Record<string, number> = { ProcessRunner: sized(90_000, 360_000) };
const DEFAULT_TIMEOUT_MS = 90_000;
/** The log line of a runner that claims and executes: an AsyncRunner (alone, or as a worker) or a pool worker. */
const EXECUTOR_STARTED = /runner:\S+ (AsyncRunner|ThreadWorker|PersistentProcessWorker) started/;

/** `work <i> <pid> <ppid>` lines of the marks file. */
function executions(marksFile: string): Array<{ i: number; pid: number; ppid: number }> {
  return readMarks(marksFile).map((line) => {
    const [, i, pid, ppid] = line.split(" ").map(Number);
    return { i: i ?? -1, pid: pid ?? -1, ppid: ppid ?? -1 };
  });
}

function describeManyInvocations(backend: BackendKind, runners: readonly string[]): void {
  describe(`two runner processes, invocations from a client process (${backend})`, () => {
    const env = useProcessTestEnv(backend, SLOTS);

    for (const runner of runners) {
      const timeout = TIMEOUT_MS[runner] ?? DEFAULT_TIMEOUT_MS;
      const count = COUNTS[runner] ?? DEFAULT_COUNT;
      it(`${runner}: ${count} invocations all succeed, each executed exactly once; stops on SIGTERM`, {
        timeout,
      }, async () => {
        const startedAt = performance.now();
        // Info logs: the "started" line of each runner and worker.
        const processes = [0, 1].map(() =>
          env.startRunner(runner, { config: { loggingLevel: "info", ...SIZES[runner] } }),
        );
        const runnerIds = await Promise.all(processes.map((p) => p.started));
        await eventually(async () => {
          const active = await app.backend.orchestrator.activeRunners(Date.now() - 60_000);
          return runnerIds.every((id) => active.some((a) => a.runnerId === id));
        }, "both runners to heartbeat");
        // Both able to claim before the client registers (ProcessRunner's children log nothing;
        // its child processes, one per invocation, leave both runners time).
        if (runner !== "ProcessRunner")
          await Promise.all(processes.map((p) => p.waitForOutput(EXECUTOR_STARTED, "stderr")));

        const clientAt = performance.now();
        const client = env.runFixture("register-client", [String(count), env.marks]);
        const exit = await within(client.exited, timeout - 20_000, `the client's ${count} results`);
        expect(exit, client.stderr()).toEqual({ code: 0, signal: null });
        expect(client.stdout()).toContain(`results ${count} in-order`);
        const executedAt = performance.now();

        const ids = JSON.parse(/registered (.*)/.exec(client.stdout())?.[1] ?? "[]") as string[];
        expect(new Set(ids).size).toBe(count);
        const statuses = await app.backend.orchestrator.getStatuses(ids);
        for (const id of ids) {
          expect(statuses.get(id)?.status, id).toBe(S.SUCCESS);
          const history = (await app.backend.stateBackend.getHistory(id)).map((h) => h.status);
          expect(history, id).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
        }

        const done = executions(env.marks);
        expect(done.map((e) => e.i).sort((a, b) => a - b)).toEqual(
          Array.from({ length: count }, (_, i) => i),
        );
        const perRunner = processes.map(
          (p) => done.filter((e) => e.pid === p.pid || e.ppid === p.pid).length,
        );
        expect(
          perRunner.reduce((a, b) => a + b),
          "executions outside the two runners",
        ).toBe(count);
        for (const count of perRunner)
          expect(count, `executions per runner: ${perRunner}`).toBeGreaterThan(0);

        const exits = await Promise.all(processes.map((p) => within(p.stop(), 30_000, `${runner} to stop`)));
        for (const [k, p] of processes.entries()) {
          expect(exits[k], `${runner} ${p.pid}:\n${p.stderr()}`).toEqual({ code: 0, signal: null });
          expect(p.stderr()).toContain(`Stopped ${runner} ${runnerIds[k]} on SIGTERM`);
        }
        process.stderr.write(
          `[cli-many] ${backend} ${runner}: runners up in ${Math.round(clientAt - startedAt)} ms, ` +
            `client start to its ${count} results ${Math.round(executedAt - clientAt)} ms (per runner ${perRunner.join("/")}), ` +
            `whole test ${Math.round(performance.now() - startedAt)} ms\n`,
        );
      });
    }
  });
}

describeManyInvocations("sqlite", ALL_RUNNERS);
await describeWithRedis("two runner processes on Redis", () =>
  // ProcessRunner (one process per invocation, ~150 s for 1,000) runs on SQLite only.
  describeManyInvocations(
    "redis",
    ALL_RUNNERS.filter((runner) => runner !== "ProcessRunner"),
  ),
);
