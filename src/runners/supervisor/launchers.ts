import { type AppModuleRef, childExecArgv, siblingEntryPath, threadTsxApiUrl } from "../child/app-module.js";
import type {
  InvocationChildMessage,
  InvocationParentMessage,
  PoolParentMessage,
  PoolWorkerMessage,
} from "../child/messages.js";
import { forkChild, startThread, type WorkerLink } from "../child/worker-link.js";

export type PoolWorkerLink = WorkerLink<PoolParentMessage, PoolWorkerMessage>;
export type InvocationProcessLink = WorkerLink<InvocationParentMessage, InvocationChildMessage>;

/** The pool worker's entry script (`.ts` from source, `.js` from dist). */
const POOL_WORKER_ENTRY = siblingEntryPath(import.meta.url, "../child/pool-worker");
/** The entry of a process that executes one invocation. */
const INVOCATION_CHILD_ENTRY = siblingEntryPath(import.meta.url, "../child/invocation-child");

/** Where a pool's workers run: child processes, or threads of this process. */
export type WorkerKind = "process" | "thread";

/** Starts pool workers of `kind` that import `appModule`. */
export function poolWorkerLauncher(
  kind: WorkerKind,
  appModule: AppModuleRef,
  env: NodeJS.ProcessEnv = {},
): () => PoolWorkerLink {
  if (kind === "thread") {
    const tsxApiUrl = threadTsxApiUrl(POOL_WORKER_ENTRY, appModule);
    return () => startThread(POOL_WORKER_ENTRY, tsxApiUrl, { type: "stop" });
  }
  const execArgv = childExecArgv(POOL_WORKER_ENTRY, appModule);
  return () => forkChild(POOL_WORKER_ENTRY, execArgv, { ...process.env, ...env });
}

/** Starts processes that each execute one invocation, importing `appModule`. */
export function invocationProcessLauncher(
  appModule: AppModuleRef,
  env: NodeJS.ProcessEnv = {},
): () => InvocationProcessLink {
  const execArgv = childExecArgv(INVOCATION_CHILD_ENTRY, appModule);
  return () =>
    forkChild<InvocationParentMessage, InvocationChildMessage>(INVOCATION_CHILD_ENTRY, execArgv, {
      ...process.env,
      ...env,
    });
}
