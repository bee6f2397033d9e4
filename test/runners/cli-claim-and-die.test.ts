// A runner killed between claim and start loses nothing: a fixture process heartbeats as a
// runner, claims an invocation through the orchestrator (PENDING, owned by it, with a long
// lease) and SIGKILLs itself before starting it; a real runner process recovers it once the
// dead runner's heartbeat is old enough (PENDING_RECOVERY, REROUTED) and executes it.
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../src/status/statuses.js";
import { describeWithRedis } from "../backends/redis-service.js";
import { within } from "../helpers/processes.js";
import { type BackendKind, FAST_RECOVERY, RECOVERY_MS, SLACK_MS, useProcessTestEnv } from "./cli-test-env.js";
import { readMarks, work } from "./fixtures/process-app.js";

const S = InvocationStatus;

function describeClaimAndDie(backend: BackendKind): void {
  describe(`a runner killed between claim and start (${backend})`, () => {
    const env = useProcessTestEnv(backend, FAST_RECOVERY);

    it("loses nothing: PENDING -> PENDING_RECOVERY -> REROUTED, then a runner executes it once", {
      timeout: 60_000,
    }, async () => {
      const invocation = await work(7, env.marks);
      const deadRunnerId = `claim-and-die-${randomUUID()}`;
      const claimer = env.runFixture("claim-and-die", [deadRunnerId]);
      expect(await within(claimer.exited, 30_000, "the claimer to die")).toEqual({
        code: null,
        signal: "SIGKILL",
      });
      expect(claimer.stdout(), claimer.stderr()).toContain(
        `claimed ${JSON.stringify([invocation.invocationId])}`,
      );
      const claimed = (await invocation.history()).at(-1);
      expect(claimed?.status).toBe(S.PENDING);
      expect(claimed?.runnerId).toBe(deadRunnerId);
      expect(readMarks(env.marks)).toEqual([]);

      const startedAt = performance.now();
      const runner = env.startRunner("AsyncRunner");
      const runnerId = await runner.started;
      expect(
        await within(invocation.result(), RECOVERY_MS + SLACK_MS, "the recovered invocation's result"),
      ).toBe(7);
      const tookMs = Math.round(performance.now() - startedAt);
      const history = await invocation.history();
      expect(history.map((h) => h.status)).toEqual([
        S.REGISTERED,
        S.PENDING,
        S.PENDING_RECOVERY,
        S.REROUTED,
        S.PENDING,
        S.RUNNING,
        S.SUCCESS,
      ]);
      expect(history[2]?.runnerId, "the runner recovers it").toBe(runnerId);
      expect(history[5]?.runnerId, "the runner executes it").toBe(runnerId);
      expect(readMarks(env.marks).map((line) => line.split(" ").slice(0, 3).join(" "))).toEqual([
        `work 7 ${runner.pid}`,
      ]);
      expect(await runner.stop()).toEqual({ code: 0, signal: null });
      process.stderr.write(`[cli-claim-and-die] ${backend}: SUCCESS ${tookMs} ms after the runner started\n`);
    });
  });
}

describeClaimAndDie("sqlite");
await describeWithRedis("a runner killed between claim and start, on Redis", () =>
  describeClaimAndDie("redis"),
);
