// Kill tests: a `tsnenc runner start` process dies (SIGKILL) or is stopped (SIGTERM) while it
// runs a long task; a second runner process finishes the task. SIGKILL goes through the
// recovery of a gone runner (RUNNING_RECOVERY, REROUTED) once its heartbeat is older than
// runnerConsideredDeadAfterMs; SIGTERM hands the task back at once (KILLED, REROUTED).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { runnerContextFromJson } from "../../src/runners/runner-context.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { describeWithRedis } from "../backends/redis-service.js";
import { eventually, type RunnerProcess, within } from "../helpers/processes.js";
import { type BackendKind, FAST_RECOVERY, RECOVERY_MS, SLACK_MS, useProcessTestEnv } from "./cli-test-env.js";
import { app, longOnce, readMarks } from "./fixtures/process-app.js";

const S = InvocationStatus;

const TIMEOUT_MS = 60_000;

/** Recovery of a gone runner's work. */
const RECOVERED = [S.RUNNING_RECOVERY, S.REROUTED];
/** Hand-back by the owner itself. */
const HANDED_BACK = [S.KILLED, S.REROUTED];

interface KillCase {
  name: string;
  runner: string;
  signal: NodeJS.Signals;
  /** The first runner's whole process group (runner and workers, as when its host dies), or the runner process alone. */
  target: "group" | "process";
  /** The statuses between the first RUNNING and the second PENDING. */
  between: readonly string[];
}

const CASES: readonly KillCase[] = [
  {
    name: "AsyncRunner, SIGKILL",
    runner: "AsyncRunner",
    signal: "SIGKILL",
    target: "process",
    between: RECOVERED,
  },
  {
    name: "MultiProcessRunner, SIGKILL of its process group (runner and workers)",
    runner: "MultiProcessRunner",
    signal: "SIGKILL",
    target: "group",
    between: RECOVERED,
  },
  {
    // The worker outlives its runner process, notices it is gone and hands its work back.
    name: "MultiProcessRunner, SIGKILL of the runner process alone",
    runner: "MultiProcessRunner",
    signal: "SIGKILL",
    target: "process",
    between: HANDED_BACK,
  },
  {
    name: "AsyncRunner, SIGTERM",
    runner: "AsyncRunner",
    signal: "SIGTERM",
    target: "process",
    between: HANDED_BACK,
  },
  {
    name: "MultiProcessRunner, SIGTERM",
    runner: "MultiProcessRunner",
    signal: "SIGTERM",
    target: "process",
    between: HANDED_BACK,
  },
];

/** Whether the process with this pid is gone (a zombie, not reaped yet, counts as gone). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? false;
  } catch {
    return true;
  }
}

/** A runner's id and the ids of its parents (a worker's runner process), from the stored runner contexts. */
async function runnerChain(runnerId: string | null | undefined): Promise<string[]> {
  const stored = runnerId ? await app.backend.stateBackend.getRunnerContext(runnerId) : null;
  const chain: string[] = [];
  for (let context = stored ? runnerContextFromJson(stored) : null; context; context = context.parent)
    chain.push(context.runnerId);
  return chain;
}

/** The `start <pid> <ppid>` marks of longOnce, as the runner process each ran in. */
function startedIn(marksFile: string, runners: readonly RunnerProcess[]): string[] {
  return readMarks(marksFile).map((line) => {
    const [, pid, ppid] = line.split(" ").map(Number);
    const index = runners.findIndex((r) => r.pid === pid || r.pid === ppid);
    return index < 0 ? `unknown pid ${pid}` : `runner ${index}`;
  });
}

function describeKill(backend: BackendKind): void {
  describe(`a runner process killed while it runs a long task (${backend})`, () => {
    const env = useProcessTestEnv(backend, FAST_RECOVERY);

    for (const c of CASES) {
      const recovered = c.between === RECOVERED;
      const outcome = recovered ? "recovered by the second runner" : "handed back at once";
      it(`${c.name}: ${c.between.join(" -> ")}, ${outcome}; the second runner finishes it`, {
        timeout: TIMEOUT_MS,
      }, async () => {
        const first = env.startRunner(c.runner, { ownProcessGroup: c.target === "group" });
        const firstId = await first.started;
        const invocation = await longOnce(env.marks, 300_000);
        await eventually(() => readMarks(env.marks).length > 0, "the first execution to start", 30_000);
        expect(await invocation.status()).toBe(S.RUNNING);
        const executionPid = Number(readMarks(env.marks)[0]?.split(" ")[1]);
        const second = env.startRunner(c.runner);
        const secondId = await second.started;

        const killedAt = Date.now();
        const killedAtPerf = performance.now();
        if (c.target === "group") first.killGroup(c.signal);
        else first.kill(c.signal);
        const exit = await within(first.exited, 20_000, "the first runner to end");
        if (c.signal === "SIGTERM") {
          expect(exit, first.stderr()).toEqual({ code: 0, signal: null });
          expect(first.stderr()).toContain(`Stopped ${c.runner} ${firstId} on SIGTERM`);
          // Handed back by the stopping runner before its process ended.
          const atExit = (await invocation.history()).map((h) => h.status);
          expect(atExit.slice(0, 5)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, ...HANDED_BACK]);
        } else expect(exit).toEqual({ code: null, signal: "SIGKILL" });

        const budget = (recovered ? RECOVERY_MS : 0) + SLACK_MS;
        expect(await within(invocation.result(), budget, `the second execution (${outcome})`)).toBe(
          "finished",
        );
        const tookMs = Math.round(performance.now() - killedAtPerf);
        const history = await invocation.history();
        expect(history.map((h) => h.status)).toEqual([
          S.REGISTERED,
          S.PENDING,
          S.RUNNING,
          ...c.between,
          S.PENDING,
          S.RUNNING,
          S.SUCCESS,
        ]);
        const [running, leftAt] = [history[2], history[3]];
        if (recovered) {
          expect(
            await runnerChain(leftAt?.runnerId),
            "the second runner (or a worker of it) recovers it",
          ).toContain(secondId);
          expect(leftAt?.timestamp.getTime(), "recovered after the kill").toBeGreaterThanOrEqual(killedAt);
        } else expect(leftAt?.runnerId, "its owner hands it back").toBe(running?.runnerId);
        expect(startedIn(env.marks, [first, second])).toEqual(["runner 0", "runner 1"]);
        // The process of the first execution (a worker of MultiProcessRunner) does not outlive its runner.
        await eventually(
          () => isGone(executionPid),
          `the first execution's process ${executionPid} to end`,
          15_000,
        );
        expect(await second.stop()).toEqual({ code: 0, signal: null });
        process.stderr.write(
          `[cli-kill] ${backend} ${c.name}: SUCCESS ${tookMs} ms after the signal` +
            `${recovered ? ` (recovery configured at ${RECOVERY_MS} ms)` : ""}\n`,
        );
      });
    }
  });
}

describeKill("sqlite");
await describeWithRedis("runner processes killed on Redis", () => describeKill("redis"));
