import { describe, expect, it } from "vitest";
import { describeBroker } from "./broker.js";
import { describeClientDataStore } from "./client-data-store.js";
import { type BackendFactory, useBackend } from "./fixtures.js";
import { describeIsolation } from "./isolation.js";
import { describeOrchestratorClaim } from "./orchestrator-claim.js";
import { describeOrchestratorClaimLeases } from "./orchestrator-claim-leases.js";
import { describeOrchestratorConcurrency } from "./orchestrator-concurrency.js";
import { describeOrchestratorMaintenance } from "./orchestrator-maintenance.js";
import { describeOrchestratorQueries } from "./orchestrator-queries.js";
import { describeOrchestratorRegister } from "./orchestrator-register.js";
import { describeOrchestratorTransition } from "./orchestrator-transition.js";
import { describeOrchestratorTransitionGuards } from "./orchestrator-transition-guards.js";
import { describeOrchestratorWaitsAndRunners } from "./orchestrator-waits-runners.js";
import { describeStateBackend } from "./state-backend.js";

export type { BackendFactory } from "./fixtures.js";
export { assertValidHistory } from "./history.js";

export interface ConformanceOptions {
  /** Timeout of each test and hook, in ms (default: the vitest config's). Raise it for slow stores. */
  readonly timeoutMs?: number;
}

/**
 * Declares the conformance suite of the backend contracts (`Backend`: orchestrator store,
 * broker, state backend, client data store, purge, close) as vitest tests. Call it at the top
 * level of a test file (or inside a `describe`) with a factory that opens the backend for one
 * app id: tsnenc's own backends run exactly this suite.
 *
 * Each test opens its own backend with a fresh app id (letters, digits and `_`) and purges and
 * closes every backend it opened afterwards; isolation tests open a second app id. Time is
 * driven through the `now` arguments of the primitives; only the broker's wake-up tests wait on
 * the real clock (a few seconds at most). Add hooks of your own around the call (e.g. an
 * `afterEach` checking your store holds nothing of the test's app ids after purge).
 *
 * @example
 * import { describeBackendConformance } from "tsnenc/testing";
 * describeBackendConformance("my-store", ({ appId }) => createMyBackend({ appId, url }));
 */
export function describeBackendConformance(
  name: string,
  factory: BackendFactory,
  options: ConformanceOptions = {},
): void {
  const describeOptions = options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs };
  describe(`${name} backend conformance`, describeOptions, () => {
    describeCapabilities(factory);
    describeOrchestratorRegister(factory);
    describeOrchestratorQueries(factory);
    describeOrchestratorClaim(factory);
    describeOrchestratorClaimLeases(factory);
    describeOrchestratorTransition(factory);
    describeOrchestratorTransitionGuards(factory);
    describeOrchestratorWaitsAndRunners(factory);
    describeOrchestratorConcurrency(factory);
    describeOrchestratorMaintenance(factory);
    describeStateBackend(factory);
    describeClientDataStore(factory);
    describeBroker(factory);
    describeIsolation(factory);
  });
}

function describeCapabilities(factory: BackendFactory): void {
  describe("declaration", () => {
    const h = useBackend(factory);

    it("names its kind and declares every capability as a boolean", () => {
      expect(typeof h.backend.kind).toBe("string");
      expect(h.backend.kind.length).toBeGreaterThan(0);
      expect(h.backend.capabilities).toMatchObject({
        sharedAcrossProcesses: expect.any(Boolean),
        pushesWakeups: expect.any(Boolean),
      });
    });
  });
}
