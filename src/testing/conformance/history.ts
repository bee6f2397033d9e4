import { expect } from "vitest";
import type { Backend } from "../../backends/contract/index.js";
import type { HistoryEntry, InvocationStatus } from "../../status/statuses.js";
import { findInvalidHistoryStep } from "../../status/transition.js";

/**
 * Fails with a readable message when a step of `history` is not a transition of the status
 * machine (the first entry must be an initial status).
 */
export function assertValidHistory(history: readonly HistoryEntry[] | readonly InvocationStatus[]): void {
  const statuses = history.map((entry) => (typeof entry === "string" ? entry : entry.status));
  const step = findInvalidHistoryStep(statuses);
  if (step === null) return;
  const path = statuses
    .map((status, index) => (index === step.index ? `>>${status}<<` : status))
    .join(" -> ");
  throw new Error(
    `invalid history step #${step.index}: ${step.from ?? "(new)"} -> ${step.to} is not a transition of the ` +
      `status machine\n  history: ${path}`,
  );
}

/**
 * Reads the history of an invocation, checks it is a valid path and that its statuses are
 * exactly `expected`; returns the entries for further checks.
 */
export async function expectHistory(
  backend: Backend,
  invocationId: string,
  expected: readonly InvocationStatus[],
): Promise<HistoryEntry[]> {
  const history = await backend.stateBackend.getHistory(invocationId);
  assertValidHistory(history);
  expect(
    history.map((entry) => entry.status),
    `history of ${invocationId}`,
  ).toEqual(expected);
  return history;
}
