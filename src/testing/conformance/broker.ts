import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { InvocationStatus } from "../../status/statuses.js";
import {
  type BackendFactory,
  makeRecord,
  makeRecords,
  register,
  runnerId,
  startInvocation,
  useBackend,
  within,
} from "./fixtures.js";

const S = InvocationStatus;
/** Bound given to waitForWork when the test expects an earlier wake-up. */
const LONG_WAIT = 10_000;
/** A wake-up must come well before LONG_WAIT. */
const PROMPT = 5_000;

/** Calls waitForWork and measures how long it took to resolve. */
function timedWait(wait: Promise<void>): Promise<number> {
  const started = performance.now();
  return within(
    wait.then(() => performance.now() - started),
    LONG_WAIT + 5_000,
    "waitForWork",
  );
}

export function describeBroker(factory: BackendFactory): void {
  describe("broker", () => {
    const h = useBackend(factory);

    it("counts queue entries: registrations add, claims remove, delayed requeues count", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      expect(await h.backend.broker.size()).toBe(0);
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      expect(await h.backend.broker.size()).toBe(0);
      await register(h.backend, makeRecords(3), runner, t0 + 1);
      expect(await h.backend.broker.size()).toBe(3);
      await h.backend.orchestrator.transition({
        invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: t0 + 2,
        incrementRetries: true,
        requeue: { delayMs: 60_000 },
      });
      expect(await h.backend.broker.size()).toBe(4);
      await h.backend.orchestrator.claim({ runnerId: runner, max: 2, leaseMs: 1_000, now: t0 + 3 });
      expect(await h.backend.broker.size()).toBe(2);
    });

    it("wakes a waiter promptly when an invocation is registered", async () => {
      const waiting = timedWait(h.backend.broker.waitForWork(LONG_WAIT));
      await register(h.backend, [makeRecord()], runnerId("client"), Date.now());
      expect(await waiting).toBeLessThan(PROMPT);
    });

    it("resolves at once when due work is already queued (a push before the wait is not missed)", async () => {
      await register(h.backend, [makeRecord()], runnerId("client"), Date.now());
      expect(await timedWait(h.backend.broker.waitForWork(LONG_WAIT))).toBeLessThan(PROMPT);
    });

    it("wakes a waiter promptly when an invocation is requeued", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      await h.backend.orchestrator.transition({ invocationId, to: S.KILLED, runnerId: runner, now: t0 + 1 });
      const waiting = timedWait(h.backend.broker.waitForWork(LONG_WAIT));
      await h.backend.orchestrator.transition({
        invocationId,
        to: S.REROUTED,
        runnerId: runner,
        now: Math.max(Date.now(), t0 + 2),
        requeue: { delayMs: 0 },
      });
      expect(await waiting).toBeLessThan(PROMPT);
    });

    it("wakes a waiter once a delayed entry becomes due", async () => {
      const t0 = Date.now();
      const runner = runnerId("runner");
      const { invocationId } = await startInvocation(h.backend, runner, t0);
      await h.backend.orchestrator.transition({
        invocationId,
        to: S.RETRY,
        runnerId: runner,
        now: Date.now(),
        incrementRetries: true,
        requeue: { delayMs: 300 },
      });
      expect(await timedWait(h.backend.broker.waitForWork(LONG_WAIT))).toBeLessThan(PROMPT);
    });

    it("resolves after timeoutMs when nothing arrives", async () => {
      const elapsed = await timedWait(h.backend.broker.waitForWork(250));
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(elapsed).toBeLessThan(PROMPT);
    });

    it("resolves promptly when its signal is aborted, or already aborted", async () => {
      const controller = new AbortController();
      const waiting = timedWait(h.backend.broker.waitForWork(LONG_WAIT, controller.signal));
      controller.abort();
      expect(await waiting).toBeLessThan(PROMPT);
      expect(await timedWait(h.backend.broker.waitForWork(LONG_WAIT, AbortSignal.abort()))).toBeLessThan(
        PROMPT,
      );
    });

    it("purges the queue: nothing is left to claim", async () => {
      const t0 = Date.now();
      await register(h.backend, makeRecords(3), runnerId("client"), t0);
      await h.backend.broker.purge();
      expect(await h.backend.broker.size()).toBe(0);
      expect(
        await h.backend.orchestrator.claim({ runnerId: runnerId("r"), max: 5, leaseMs: 1_000, now: t0 + 1 }),
      ).toEqual([]);
    });
  });
}
