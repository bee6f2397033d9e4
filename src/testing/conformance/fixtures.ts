import { createHash, randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect } from "vitest";
import type { Backend, ClaimedInvocation, InvocationRecord } from "../../backends/contract/index.js";
import { InvocationStatus, type StatusRecord } from "../../status/statuses.js";

/**
 * What a backend's test file hands to the conformance suite: opens the backend for one app id.
 * Called once or more per test, each time with the app id to use; every backend it returns is
 * purged and closed after the test.
 */
export type BackendFactory = (options: { appId: string }) => Promise<Backend> | Backend;

/** A fresh app id per backend: letters, digits and underscores only, so any store can use it in names. */
export function freshAppId(): string {
  return `conf_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** A runner id unique to the test, readable in failure messages. */
export function runnerId(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

export const TASK_ID = "conformance.task";

/** An InvocationRecord with a fresh UUID; `args` default to one argument. */
export function makeRecord(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  const invocationId = overrides.invocationId ?? randomUUID();
  const taskId = overrides.taskId ?? TASK_ID;
  const args = overrides.args ?? { value: JSON.stringify(invocationId) };
  const argsId =
    overrides.argsId ??
    (Object.keys(args).length === 0
      ? "no_args"
      : createHash("sha256")
          .update(JSON.stringify(Object.entries(args)))
          .digest("hex"));
  return {
    invocationId,
    taskId,
    callId: overrides.callId ?? `${taskId}:${argsId}`,
    argsId,
    args,
    parentInvocationId: overrides.parentInvocationId ?? null,
    workflowId: overrides.workflowId ?? invocationId,
    createdAt: overrides.createdAt ?? Date.now(),
    ...(overrides.registrationKey !== undefined ? { registrationKey: overrides.registrationKey } : {}),
    ...(overrides.runningKey !== undefined ? { runningKey: overrides.runningKey } : {}),
    ...(overrides.runningLimit !== undefined ? { runningLimit: overrides.runningLimit } : {}),
    ...(overrides.rerouteOnConcurrencyControl !== undefined
      ? { rerouteOnConcurrencyControl: overrides.rerouteOnConcurrencyControl }
      : {}),
  };
}

export function makeRecords(count: number, overrides: Partial<InvocationRecord> = {}): InvocationRecord[] {
  return Array.from({ length: count }, () => makeRecord(overrides));
}

export function ids(items: ReadonlyArray<{ invocationId: string } | ClaimedInvocation>): string[] {
  return items.map((item) => ("record" in item ? item.record.invocationId : item.invocationId));
}

export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

/**
 * Registers the `beforeEach`/`afterEach` pair of a describe block: each test gets its own backend
 * with a fresh app id; every backend opened during the test is purged and closed afterwards.
 */
export interface Harness {
  readonly backend: Backend;
  readonly appId: string;
  /** Opens another backend of the same kind (a fresh app id unless given). */
  open(appId?: string): Promise<Backend>;
}

/** The lease of claims in the claim tests. */
export const CLAIM_LEASE_MS = 30_000;

/** `claim(runner, max, now, leaseMs?)` on the harness's current backend. */
export function claimOn(h: Harness) {
  return (runner: string, max: number, now: number, leaseMs = CLAIM_LEASE_MS) =>
    h.backend.orchestrator.claim({ runnerId: runner, max, leaseMs, now });
}

export function useBackend(factory: BackendFactory): Harness {
  let current: { backend: Backend; appId: string } | null = null;
  let opened: Backend[] = [];

  async function open(appId: string = freshAppId()): Promise<Backend> {
    const backend = await factory({ appId });
    opened.push(backend);
    return backend;
  }

  beforeEach(async () => {
    const appId = freshAppId();
    current = { backend: await open(appId), appId };
  });

  afterEach(async () => {
    const toClose = opened;
    opened = [];
    current = null;
    const failures: unknown[] = [];
    for (const backend of toClose) {
      try {
        await backend.purge();
      } catch (error) {
        failures.push(error);
      }
      try {
        await backend.close();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, "closing the test's backends failed");
  });

  return {
    get backend(): Backend {
      if (!current) throw new Error("the backend is only available inside a test");
      return current.backend;
    },
    get appId(): string {
      if (!current) throw new Error("the app id is only available inside a test");
      return current.appId;
    },
    open,
  };
}

/** Registers `records` in one batch. */
export async function register(
  backend: Backend,
  records: InvocationRecord[],
  runner: string,
  now: number,
): Promise<void> {
  await backend.orchestrator.register({ invocations: records, runnerId: runner, now });
}

/**
 * Registers one fresh invocation, claims it and moves it to RUNNING. Only for tests whose queue
 * is otherwise empty: the claim must return exactly this invocation.
 */
export async function startInvocation(
  backend: Backend,
  runner: string,
  now: number,
  overrides: Partial<InvocationRecord> = {},
): Promise<InvocationRecord> {
  const record = makeRecord({ createdAt: now, ...overrides });
  await register(backend, [record], runner, now);
  const claimed = await backend.orchestrator.claim({ runnerId: runner, max: 1, leaseMs: 60_000, now });
  expect(ids(claimed)).toEqual([record.invocationId]);
  await backend.orchestrator.transition({
    invocationId: record.invocationId,
    to: InvocationStatus.RUNNING,
    runnerId: runner,
    now,
  });
  return record;
}

/**
 * Asserts that `promise` rejects with an error of exactly this class (not a subclass, not a
 * look-alike): a backend throws tsnenc's own error classes, from the same tsnenc it implements.
 */
export async function expectRejection(
  promise: Promise<unknown>,
  errorClass: abstract new (...args: never[]) => Error,
): Promise<void> {
  const error = await promise.then(
    () => expect.fail(`expected a rejection with ${errorClass.name}, got a fulfilled promise`),
    (reason: unknown) => reason,
  );
  const actual = (error as { constructor?: { name?: string } } | null)?.constructor;
  expect(actual, `rejected with ${String(error)}`).toBe(errorClass);
}

/** The status record of one invocation, or null when the backend does not know it. */
export async function statusOf(backend: Backend, invocationId: string): Promise<StatusRecord | null> {
  const statuses = await backend.orchestrator.getStatuses([invocationId]);
  return statuses.get(invocationId) ?? null;
}

/** Resolves with `promise`, or rejects after `ms` with a message naming what was awaited. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
