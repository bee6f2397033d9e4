import { describe } from "vitest";
import { describeBroker } from "./broker.js";
import { describeClientDataStore } from "./client-data-store.js";
import type { BackendFactory } from "./fixtures.js";
import { describeIsolation } from "./isolation.js";
import { describeOrchestratorClaim } from "./orchestrator-claim.js";
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

/**
 * The conformance suite every backend runs: call it at the top level of the backend's test file
 * with a factory that opens the backend for one app id. Each test opens its own backend with a
 * fresh app id and purges and closes it afterwards. Time is driven through the `now` arguments
 * of the primitives; only the broker's wake-up tests wait on the real clock.
 */
export function describeBackendConformance(name: string, factory: BackendFactory): void {
  describe(`${name} backend conformance`, () => {
    describeOrchestratorRegister(factory);
    describeOrchestratorQueries(factory);
    describeOrchestratorClaim(factory);
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
