import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Backend, TransitionRequest } from "../../backends/contract/index.js";
import {
  InvocationNotFoundError,
  InvocationStatusOwnershipError,
  InvocationStatusRaceConditionError,
  InvocationStatusTransitionError,
} from "../../errors/errors.js";
import { ALL_STATUSES, InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  expectRejection,
  makeRecord,
  register,
  runnerId,
  startInvocation,
  useBackend,
} from "./fixtures.js";
import { assertValidHistory } from "./history.js";

const S = InvocationStatus;
const STATUS_ERRORS = [InvocationStatusTransitionError.name, InvocationStatusRaceConditionError.name];

/** Everything a refused transition must leave as it was. */
async function snapshot(backend: Backend, invocationId: string) {
  return {
    status: (await backend.orchestrator.getStatuses([invocationId])).get(invocationId),
    history: await backend.stateBackend.getHistory(invocationId),
    outcome: await backend.stateBackend.getOutcome(invocationId),
    retries: await backend.orchestrator.getRetries(invocationId),
    queued: await backend.broker.size(),
  };
}

export function describeOrchestratorTransitionGuards(factory: BackendFactory): void {
  describe("orchestrator.transition: refusals and races", () => {
    const h = useBackend(factory);
    const move = (request: TransitionRequest) => h.backend.orchestrator.transition(request);

    /** Asserts that `request` is refused with `errorClass` and that nothing changed. */
    async function expectRefused(
      request: TransitionRequest,
      errorClass: abstract new (...args: never[]) => Error,
    ): Promise<void> {
      const before = await snapshot(h.backend, request.invocationId);
      await expectRejection(move(request), errorClass);
      expect(await snapshot(h.backend, request.invocationId), `${request.to} by ${request.runnerId}`).toEqual(
        before,
      );
    }

    it("refuses an invalid transition with InvocationStatusTransitionError, changing nothing", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const running = await startInvocation(h.backend, runner, t0);
      const registered = makeRecord();
      await register(h.backend, [registered], runner, t0 + 1);
      const id = registered.invocationId;
      await expectRefused(
        { invocationId: id, to: S.RUNNING, runnerId: runner, now: t0 + 1 },
        InvocationStatusTransitionError,
      );
      await expectRefused(
        { invocationId: id, to: S.SUCCESS, runnerId: runner, now: t0 + 1, result: "x" },
        InvocationStatusTransitionError,
      );
      await expectRefused(
        { invocationId: id, to: S.REGISTERED, runnerId: runner, now: t0 + 1 },
        InvocationStatusTransitionError,
      );
      for (const to of [S.PENDING, S.PENDING_RECOVERY, S.REGISTERED, S.REROUTED, S.RESUMED]) {
        await expectRefused(
          { invocationId: running.invocationId, to, runnerId: runner, now: t0 + 3, requeue: { delayMs: 0 } },
          InvocationStatusTransitionError,
        );
      }
    });

    it("never changes a final status (SUCCESS, FAILED, CONCURRENCY_CONTROLLED_FINAL)", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const success = await startInvocation(h.backend, runner, t0);
      await move({
        invocationId: success.invocationId,
        to: S.SUCCESS,
        runnerId: runner,
        now: t0 + 1,
        result: "r",
      });
      const failed = await startInvocation(h.backend, runner, t0 + 2);
      await move({
        invocationId: failed.invocationId,
        to: S.FAILED,
        runnerId: runner,
        now: t0 + 3,
        error: "e",
      });
      const blocked = makeRecord();
      await register(h.backend, [blocked], runner, t0 + 4);
      await move({
        invocationId: blocked.invocationId,
        to: S.CONCURRENCY_CONTROLLED_FINAL,
        runnerId: runner,
        now: t0 + 5,
      });
      for (const invocationId of [success.invocationId, failed.invocationId, blocked.invocationId]) {
        for (const to of ALL_STATUSES) {
          for (const by of [runner, runnerId("other")]) {
            await expectRefused(
              {
                invocationId,
                to,
                runnerId: by,
                now: t0 + 6,
                result: "new",
                error: "new",
                incrementRetries: true,
              },
              InvocationStatusTransitionError,
            );
          }
        }
        assertValidHistory(await h.backend.stateBackend.getHistory(invocationId));
      }
    });

    it("lets only the owner move an owned status (PENDING, RUNNING, PAUSED, RESUMED)", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const intruder = runnerId("intruder");
      const pending = makeRecord();
      await register(h.backend, [pending], owner, t0);
      await h.backend.orchestrator.claim({ runnerId: owner, max: 1, leaseMs: 60_000, now: t0 });
      for (const to of [S.RUNNING, S.KILLED, S.REROUTED]) {
        for (const by of [intruder, null]) {
          await expectRefused(
            { invocationId: pending.invocationId, to, runnerId: by, now: t0 + 1 },
            InvocationStatusOwnershipError,
          );
        }
      }
      const running = await startInvocation(h.backend, owner, t0 + 2);
      const id = running.invocationId;
      const attempts: Array<Omit<TransitionRequest, "invocationId" | "runnerId" | "now">> = [
        { to: S.SUCCESS, result: "stolen" },
        { to: S.FAILED, error: "stolen" },
        { to: S.RETRY, error: "stolen", incrementRetries: true, requeue: { delayMs: 0 } },
        { to: S.PAUSED },
        { to: S.KILLED },
      ];
      for (const attempt of attempts) {
        await expectRefused(
          { ...attempt, invocationId: id, runnerId: intruder, now: t0 + 3 },
          InvocationStatusOwnershipError,
        );
      }
      await move({ invocationId: id, to: S.PAUSED, runnerId: owner, now: t0 + 4 });
      await expectRefused(
        { invocationId: id, to: S.RESUMED, runnerId: intruder, now: t0 + 5 },
        InvocationStatusOwnershipError,
      );
      await move({ invocationId: id, to: S.RESUMED, runnerId: owner, now: t0 + 6 });
      await expectRefused(
        { invocationId: id, to: S.SUCCESS, runnerId: intruder, now: t0 + 7, result: "stolen" },
        InvocationStatusOwnershipError,
      );
    });

    it("lets any runner enter PENDING_RECOVERY and RUNNING_RECOVERY over the owner", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const monitor = runnerId("monitor");
      const pending = makeRecord();
      await register(h.backend, [pending], owner, t0);
      await h.backend.orchestrator.claim({ runnerId: owner, max: 1, leaseMs: 60_000, now: t0 });
      const recovered = await move({
        invocationId: pending.invocationId,
        to: S.PENDING_RECOVERY,
        runnerId: monitor,
        now: t0 + 1,
      });
      expect(recovered.current).toEqual({ status: S.PENDING_RECOVERY, ownerId: null, timestamp: t0 + 1 });
      await move({ invocationId: pending.invocationId, to: S.REROUTED, runnerId: monitor, now: t0 + 2 });
      for (const via of [null, S.PAUSED, S.RESUMED] as const) {
        const inv = await startInvocation(h.backend, owner, t0 + 3);
        if (via === S.RESUMED)
          await move({ invocationId: inv.invocationId, to: S.PAUSED, runnerId: owner, now: t0 + 4 });
        if (via) await move({ invocationId: inv.invocationId, to: via, runnerId: owner, now: t0 + 5 });
        const out = await move({
          invocationId: inv.invocationId,
          to: S.RUNNING_RECOVERY,
          runnerId: monitor,
          now: t0 + 6,
        });
        expect(out.current).toEqual({ status: S.RUNNING_RECOVERY, ownerId: null, timestamp: t0 + 6 });
        await move({ invocationId: inv.invocationId, to: S.REROUTED, runnerId: monitor, now: t0 + 7 });
        assertValidHistory(await h.backend.stateBackend.getHistory(inv.invocationId));
      }
    });

    it("refuses PENDING without a runner id to own it", async () => {
      const record = makeRecord();
      await register(h.backend, [record], runnerId("client"), Date.now());
      await expectRefused(
        { invocationId: record.invocationId, to: S.PENDING, runnerId: null, now: Date.now() },
        InvocationStatusOwnershipError,
      );
    });

    it("refuses a change whose `expected` record does not match with InvocationStatusRaceConditionError", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const { invocationId } = await startInvocation(h.backend, owner, t0);
      for (const expected of [
        { status: S.PENDING, ownerId: owner },
        { status: S.RUNNING, ownerId: runnerId("other") },
        { status: S.RUNNING, ownerId: null },
      ]) {
        await expectRefused(
          { invocationId, to: S.SUCCESS, runnerId: owner, now: t0 + 1, result: "r", expected },
          InvocationStatusRaceConditionError,
        );
      }
      const out = await move({
        invocationId,
        to: S.SUCCESS,
        runnerId: owner,
        now: t0 + 2,
        result: "r",
        expected: { status: S.RUNNING, ownerId: owner },
      });
      expect(out.current.status).toBe(S.SUCCESS);
    });

    it("throws InvocationNotFoundError for an unknown id", async () => {
      const unknown = randomUUID();
      const request = {
        invocationId: unknown,
        to: S.PENDING_RECOVERY,
        runnerId: runnerId("r"),
        now: Date.now(),
      };
      await expectRejection(move(request), InvocationNotFoundError);
      await expectRejection(
        move({ ...request, expected: { status: S.PENDING, ownerId: null } }),
        InvocationNotFoundError,
      );
      expect((await h.backend.orchestrator.getStatuses([unknown])).size).toBe(0);
      expect(await h.backend.stateBackend.getHistory(unknown)).toEqual([]);
    });

    it("lets exactly one of 20 concurrent RUNNING -> SUCCESS transitions by the owner succeed", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const { invocationId } = await startInvocation(h.backend, owner, t0);
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          move({ invocationId, to: S.SUCCESS, runnerId: owner, now: t0 + 1 + i, result: `result-${i}` }),
        ),
      );
      const winners = results.flatMap((result, i) => (result.status === "fulfilled" ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected")
          expect(STATUS_ERRORS).toContain((result.reason as { code?: string }).code);
      }
      expect((await h.backend.stateBackend.getOutcome(invocationId)).result).toBe(`result-${winners[0]}`);
      const history = await h.backend.stateBackend.getHistory(invocationId);
      assertValidHistory(history);
      expect(history.filter((entry) => entry.status === S.SUCCESS)).toHaveLength(1);
    });

    it("lets exactly one of 10 concurrent recoveries with `expected` succeed", async () => {
      const t0 = Date.now();
      const owner = runnerId("owner");
      const { invocationId } = await startInvocation(h.backend, owner, t0);
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          move({
            invocationId,
            to: S.RUNNING_RECOVERY,
            runnerId: `monitor-${i}`,
            now: t0 + 1,
            expected: { status: S.RUNNING, ownerId: owner },
          }),
        ),
      );
      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected")
          expect(STATUS_ERRORS).toContain((result.reason as { code?: string }).code);
      }
      const history = await h.backend.stateBackend.getHistory(invocationId);
      assertValidHistory(history);
      expect(history.filter((entry) => entry.status === S.RUNNING_RECOVERY)).toHaveLength(1);
    });
  });
}
