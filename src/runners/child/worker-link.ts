import { type ChildProcess, fork } from "node:child_process";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { isMessage } from "./messages.js";

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The error that ended a thread, or the last `failed` message, if any. */
  readonly error?: string;
}

/** The parent's end of one child process or worker thread. */
export interface WorkerLink<Out, In> {
  /** The child's pid (a thread's is its process's). */
  readonly pid: number;
  readonly hasExited: boolean;
  /** Resolves once the child has exited. */
  readonly exited: Promise<WorkerExit>;
  /** Sends a message; dropped when the child is gone. */
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
  /** Asks the child to stop and hand its work back: SIGTERM, or the stop message for a thread. */
  requestStop(): void;
  /** Ends the child at once: SIGKILL, or `terminate()` for a thread. */
  kill(): void;
  /** SIGCONT a child process that stopped itself (no-op for threads and on Windows). */
  resume(): void;
}

export function describeExit(exit: WorkerExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? "?"}`;
  return exit.error ? `${how}: ${exit.error}` : how;
}

/** Whether processes can be stopped and continued (SIGSTOP / SIGCONT). */
export const CAN_STOP_PROCESSES = process.platform !== "win32";

/** Live children of this process, killed if it exits while they run (a paused child could not notice). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function killLiveChildren(): void {
  for (const child of liveChildren) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Forks `entryPath` with an IPC channel. Its stdout and stderr are relayed to the parent's (not
 * inherited, so a child never holds the parent's own pipes open after the parent is gone).
 */
export function forkChild<Out, In extends { type: string }>(
  entryPath: string,
  execArgv: string[],
  env: NodeJS.ProcessEnv,
): WorkerLink<Out, In> {
  const child = fork(entryPath, [], {
    execArgv,
    env,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "json",
  });
  child.stdout?.on("data", (chunk: Buffer) => process.stdout.write(chunk));
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(chunk));
  liveChildren.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", killLiveChildren);
  }
  let exited = false;
  const listeners: Array<(message: In) => void> = [];
  const exit = new Promise<WorkerExit>((resolve) => {
    const settle = (result: WorkerExit): void => {
      if (exited) return;
      exited = true;
      liveChildren.delete(child);
      resolve(result);
    };
    child.once("exit", (code, signal) => settle({ code, signal }));
    // A child that could not be spawned never emits "exit"; other errors (a failed send or
    // kill) are followed by the exit event.
    child.on("error", (error) => {
      if (child.pid === undefined) settle({ code: null, signal: null, error: error.message });
    });
  });
  child.on("message", (message: unknown) => {
    if (isMessage<In>(message)) for (const listener of listeners) listener(message);
  });
  const signal = (name: NodeJS.Signals): void => {
    if (exited) return;
    try {
      child.kill(name);
    } catch {
      // gone meanwhile
    }
  };
  return {
    pid: child.pid ?? -1,
    get hasExited() {
      return exited;
    },
    exited: exit,
    send(message) {
      if (!exited && child.connected) child.send(message as object, (error) => void error);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    requestStop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
    resume: () => CAN_STOP_PROCESSES && signal("SIGCONT"),
  };
}

/**
 * Starts `entryPath` in a worker thread. With `tsxApiUrl` (TypeScript), a bootstrap registers
 * tsx inside the thread first: Node 20 does not apply `--import` loaders to threads.
 */
export function startThread<Out, In extends { type: string }>(
  entryPath: string,
  tsxApiUrl: string | null,
  stopMessage: Out,
): WorkerLink<Out, In> {
  const entryUrl = pathToFileURL(entryPath).href;
  const worker = tsxApiUrl
    ? new Worker(
        `import(${JSON.stringify(tsxApiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); })` +
          ".catch((error) => process.nextTick(() => { throw error; }));",
        { eval: true },
      )
    : new Worker(new URL(entryUrl));
  let exited = false;
  let error: string | undefined;
  const listeners: Array<(message: In) => void> = [];
  worker.on("error", (cause: unknown) => {
    error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  });
  const exit = new Promise<WorkerExit>((resolve) => {
    worker.once("exit", (code) => {
      exited = true;
      resolve({ code, signal: null, ...(error === undefined ? {} : { error }) });
    });
  });
  worker.on("message", (message: unknown) => {
    if (isMessage<In>(message)) for (const listener of listeners) listener(message);
  });
  return {
    pid: process.pid,
    get hasExited() {
      return exited;
    },
    exited: exit,
    send(message) {
      if (!exited) worker.postMessage(message);
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    requestStop() {
      if (!exited) worker.postMessage(stopMessage);
    },
    kill() {
      if (!exited) void worker.terminate();
    },
    resume() {},
  };
}
