import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import { Tsnenc, type TsnencConfig } from "../../src/index.js";
import type { Invocation } from "../../src/invocation/invocation.js";
import { AsyncRunner, type AsyncRunnerOptions } from "../../src/runners/async-runner.js";
import { findInvalidHistoryStep } from "../../src/status/transition.js";

/** A fresh, isolated app: its own app id, no config files, no env, quiet logs. */
export function createTestApp(config: TsnencConfig = {}, env: NodeJS.ProcessEnv = {}): Tsnenc {
  const cwd = mkdtempSync(join(tmpdir(), "tsnenc-test-"));
  return new Tsnenc(
    { appId: `test-${randomUUID()}`, backend: "memory", loggingLevel: "error", ...config },
    { cwd, env },
  );
}

/**
 * Registers an afterEach hook that checks every history stored by the apps the test created
 * (pynenc's check_all_status_transitions), then closes them. Returns the app factory to use.
 */
export function useTestApps(): (config?: TsnencConfig, env?: NodeJS.ProcessEnv) => Tsnenc {
  const created: Tsnenc[] = [];
  afterEach(async () => {
    const apps = created.splice(0);
    try {
      for (const app of apps) await expectAllHistoriesValid(app);
    } finally {
      for (const app of apps) await app.close();
    }
  });
  return (config = {}, env = {}) => {
    const app = createTestApp(config, env);
    created.push(app);
    return app;
  };
}

/** Starts a runner on `app`; returns it with a `stop()` that waits until it has fully stopped. */
export function startRunner(app: Tsnenc, options: AsyncRunnerOptions = {}) {
  const runner = new AsyncRunner(app, { handleSignals: false, ...options });
  const done = runner.run();
  return {
    runner,
    done,
    async stop() {
      runner.stopRunnerLoop();
      await done;
    },
  };
}

/** Fails with a readable message when a history is not a valid path through the status machine. */
export async function expectValidHistory(invocation: Invocation<unknown>): Promise<void> {
  const statuses = (await invocation.history()).map((h) => h.status);
  const bad = findInvalidHistoryStep(statuses);
  expect(bad, `invalid history of ${invocation.invocationId}: ${statuses.join(" -> ")}`).toBeNull();
}

/** Every invocation the app stored has a valid history (pynenc's check_all_status_transitions). */
export async function expectAllHistoriesValid(app: Tsnenc): Promise<number> {
  const rows = await app.backend.orchestrator.listInvocations({ limit: 1_000_000, offset: 0 });
  for (const row of rows) {
    const statuses = (await app.backend.stateBackend.getHistory(row.invocationId)).map((h) => h.status);
    const bad = findInvalidHistoryStep(statuses);
    expect(
      bad,
      `invalid history of ${row.invocationId} (${row.taskId}): ${statuses.join(" -> ")}`,
    ).toBeNull();
  }
  return rows.length;
}

/** Resolves when `predicate` holds, re-checking on every macrotask turn (bounded). */
export async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
