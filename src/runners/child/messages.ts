import type { ClaimedInvocation } from "../../backends/contract/records.js";
import type { AppModuleRef } from "./app-module.js";

/** What every child needs to build its app and runner context. */
export interface ChildInit {
  readonly appModule: AppModuleRef;
  /** The child's runner context as JSON (id and class chosen by the parent; the pid is the child's). */
  readonly context: string;
  /** The parent app's run-time config assignments. */
  readonly runtimeConfig: Record<string, unknown>;
}

/** A pool worker (MultiProcessRunner, PersistentProcessRunner, ThreadRunner): an AsyncRunner. */
export interface PoolWorkerInit extends ChildInit {
  /** The AsyncRunner's maxConcurrency. */
  readonly concurrency: number;
}

export type PoolParentMessage = { type: "init"; init: PoolWorkerInit } | { type: "stop" };

export type PoolWorkerMessage =
  /** Listening: send the init. */
  | { type: "hello" }
  /** The worker's AsyncRunner has started. */
  | { type: "started" }
  /** The invocations its AsyncRunner holds (running or paused), sent when they change. */
  | { type: "load"; held: string[] }
  /** It could not start (e.g. the app module failed to import). */
  | { type: "failed"; message: string };

/** A ProcessRunner child: executes one claimed invocation, then exits. */
export type InvocationParentMessage =
  | { type: "init"; init: ChildInit }
  | { type: "execute"; claimed: ClaimedInvocation }
  /** A `waiting` request's results are final, or a `settle` is done (RESUMED when it was paused). */
  | { type: "continue"; requestId: number }
  /** The invocation is PAUSED: stop (SIGSTOP yourself) at this safe point until SIGCONT. */
  | { type: "pause" };

export type InvocationChildMessage =
  | { type: "hello" }
  /** The app is loaded: the parent may claim an invocation for this child. */
  | { type: "ready" }
  /** The task awaits these invocations' results. */
  | { type: "waiting"; requestId: number; ids: string[] }
  /** The task body ended: resume the invocation if it is paused, and stop pausing it. */
  | { type: "settle"; requestId: number }
  /** Answer to `pause`: the child stops itself right after sending this. */
  | { type: "paused" }
  /** The child runs again after stopping itself (SIGCONT). */
  | { type: "running" }
  /** The invocation is final; the child is closing. */
  | { type: "done" }
  | { type: "failed"; message: string };

/** Narrowing of an IPC payload to a message (its `type` is checked by the receiver's switch). */
export function isMessage<M extends { type: string }>(value: unknown): value is M {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}
