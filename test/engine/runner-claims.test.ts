/**
 * How an AsyncRunner claims: up to two claims in flight, each for at most half its slots, so
 * the invocations of one claim run while the backend answers the other.
 */
import { describe, expect, it } from "vitest";
import type { ClaimRequest } from "../../src/backends/contract/orchestrator.js";
import { startRunner, until, useTestApps } from "../helpers/app.js";

const app = useTestApps();

/** Wraps the app's claims to count how many are in flight at once (`check` sees each request). */
function countClaimsInFlight(
  a: ReturnType<typeof app>,
  check: (request: ClaimRequest) => void = () => {},
): { most: () => number } {
  const orchestrator = a.backend.orchestrator;
  const original = orchestrator.claim.bind(orchestrator);
  let inFlight = 0;
  let most = 0;
  orchestrator.claim = async (request) => {
    inFlight++;
    most = Math.max(most, inFlight);
    try {
      check(request);
      return await original(request);
    } finally {
      inFlight--;
    }
  };
  return { most: () => most };
}

describe("AsyncRunner claims", () => {
  it("keeps two claims of at most half the slots in flight; one claim's work runs while the other is unanswered", async () => {
    const a = app({ maxConcurrency: 10 });
    const noop = a.task("noop", async (i: number) => i);
    const group = await noop.parallelize(Array.from({ length: 40 }, (_, i) => [i] as [number]));
    const orchestrator = a.backend.orchestrator;
    const original = orchestrator.claim.bind(orchestrator);
    const sizes: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const held: { release?: () => void } = {};
    orchestrator.claim = async (request) => {
      sizes.push(request.max);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        const second = sizes.length === 2;
        const claimed = await original(request);
        // The second claim is applied, but its reply is held back until the test lets it go.
        if (second) await new Promise<void>((resolve) => (held.release = resolve));
        return claimed;
      } finally {
        inFlight--;
      }
    };
    const r = startRunner(a);
    try {
      const sixth = group.invocations[5];
      const eleventh = group.invocations[10];
      if (!sixth || !eleventh) throw new Error("fixture");
      // The first claim came back full (0..4), so claims overlap from then on. The second holds
      // 5..9, unanswered; the third took 10..14: they run meanwhile.
      await until(
        async () => (await eleventh.status()) === "SUCCESS",
        "the third claim's invocations to run",
      );
      expect(await sixth.status()).not.toBe("SUCCESS");
      expect(inFlight).toBeGreaterThanOrEqual(1);
      held.release?.();
      expect(await group.all()).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(Math.max(...sizes)).toBe(5);
      expect(mostInFlight).toBe(2);
    } finally {
      held.release?.();
      await r.stop();
    }
  });

  it("after waiting for work, one claim at a time until one comes back full", async () => {
    const a = app({ maxConcurrency: 10 });
    const noop = a.task("noop", async (i: number) => i);
    const claims = countClaimsInFlight(a);
    const r = startRunner(a);
    for (let i = 0; i < 5; i++) expect(await noop(i).result()).toBe(i);
    expect(claims.most()).toBe(1);
    await r.stop();
  });

  it("one slot: one claim at a time", async () => {
    const a = app({ maxConcurrency: 1 });
    const noop = a.task("noop", async (i: number) => i);
    const group = await noop.parallelize(Array.from({ length: 5 }, (_, i) => [i] as [number]));
    const claims = countClaimsInFlight(a, (request) => expect(request.max).toBe(1));
    const r = startRunner(a);
    expect(await group.all()).toEqual([0, 1, 2, 3, 4]);
    expect(claims.most()).toBe(1);
    await r.stop();
  });
});
