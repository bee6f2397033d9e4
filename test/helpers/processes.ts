// Starting, watching and stopping real Node processes in tests: `tsnenc runner start` and
// fixture scripts, run from the compiled sources (./compiled.ts), pointed at a backend and
// config through TSNENC__* environment variables. Backend-agnostic: give the backend config
// (SQLite file or Redis URL) and any other config fields; get a handle with the exit promise
// and the captured output.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach } from "vitest";
import { envVarName } from "../../src/config/fields.js";
import type { TsnencConfig } from "../../src/index.js";
import { compiledCli } from "./compiled.js";

export { eventually, within } from "./waiting.js";

/** The backend of a process's app. */
export type ProcessBackend =
  | { backend: "sqlite"; sqlitePath: string }
  | { backend: "redis"; redisUrl: string };

export interface NodeProcessOptions {
  /** The app's backend, passed as TSNENC__BACKEND and TSNENC__SQLITE_PATH / TSNENC__REDIS_URL (none: the app's own). */
  backend?: ProcessBackend;
  /** Further config (appId, heartbeat intervals, runner sizes...), passed as TSNENC__* variables. */
  config?: TsnencConfig;
  /** Working directory (a fresh temp directory: config files there are read by the app). */
  cwd: string;
  /** Extra environment variables. */
  env?: NodeJS.ProcessEnv;
  /** Start it in a process group of its own (for `killGroup`: the process and all its children). */
  ownProcessGroup?: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ProcessExit>;
  readonly hasExited: boolean;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout (or stderr); fails if the process exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, stream?: "stdout" | "stderr", timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends `signal` (no-op once exited). */
  kill(signal: NodeJS.Signals): void;
  /** Sends `signal` to the whole process group (needs `ownProcessGroup`), as when a host dies. */
  killGroup(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves with the exit. */
  stop(graceMs?: number): Promise<ProcessExit>;
}

/** TSNENC__* variables for `config` (lists as JSON). */
export function configEnv(config: TsnencConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (typeof value === "object" || typeof value === "function") {
      if (!Array.isArray(value)) throw new Error(`config field ${field} cannot be passed by env`);
      env[envVarName(field)] = JSON.stringify(value);
    } else env[envVarName(field)] = String(value);
  }
  return env;
}

/**
 * The environment of a test process: this one's, without TSNENC__* variables and NODE_OPTIONS
 * (a loader there would slow every child down), plus the backend, `config` and `env`.
 */
function processEnv(options: NodeProcessOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith("TSNENC__") && key !== "NODE_OPTIONS") env[key] = value;
  return { ...env, ...configEnv({ ...options.backend, ...options.config }), ...options.env };
}

const live = new Set<NodeProcess>();

/** Runs `node <script> ...args`, its output captured. */
export function spawnNodeScript(
  script: string,
  args: readonly string[],
  options: NodeProcessOptions,
): NodeProcess {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: processEnv(options),
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  const output = { stdout: "", stderr: "" };
  const watchers = new Set<() => void>();
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]?.setEncoding("utf8");
    child[stream]?.on("data", (chunk: string) => {
      output[stream] += chunk;
      for (const watcher of watchers) watcher();
    });
  }
  child.on("error", (error) => {
    output.stderr += `[test harness] ${error.message}\n`;
  });
  let hasExited = false;
  const exited = new Promise<ProcessExit>((resolve) => {
    // "close": the process exited and its output streams are drained.
    child.once("close", (code, signal) => {
      hasExited = true;
      live.delete(handle);
      for (const watcher of watchers) watcher();
      resolve({ code, signal });
    });
  });
  const handle: NodeProcess = {
    child,
    pid: child.pid ?? -1,
    exited,
    get hasExited() {
      return hasExited;
    },
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForOutput(pattern, stream = "stdout", timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const done = (error?: Error, match?: RegExpExecArray): void => {
          clearTimeout(timer);
          watchers.delete(check);
          if (match) resolve(match);
          else reject(error);
        };
        const describe = () => `${pattern} in the ${stream} of ${script} (pid ${child.pid})`;
        const check = (): void => {
          const match = pattern.exec(output[stream]);
          if (match) done(undefined, match);
          else if (hasExited) done(new Error(`exited before printing ${describe()}:\n${output.stderr}`));
        };
        const timer = setTimeout(
          () =>
            done(new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}:\n${output.stderr}`)),
          timeoutMs,
        );
        watchers.add(check);
        check();
      });
    },
    kill(signal) {
      if (!hasExited) child.kill(signal);
    },
    killGroup(signal) {
      if (!options.ownProcessGroup) throw new Error(`${script} was not started in its own process group`);
      try {
        process.kill(-handle.pid, signal);
      } catch {
        // the group is gone already
      }
    },
    async stop(graceMs = 15_000) {
      handle.kill("SIGTERM");
      const timer = setTimeout(() => handle.kill("SIGKILL"), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  live.add(handle);
  return handle;
}

export interface RunnerProcessOptions extends NodeProcessOptions {
  /** The app module (compiled JavaScript, so that the runner's children start without tsx). */
  app: { path: string; exportName: string };
  /** Runner class name, e.g. "ProcessRunner". */
  runner: string;
  /** The CLI entry (default: the compiled `src/cli/main.js`). */
  cli?: string;
}

export interface RunnerProcess extends NodeProcess {
  readonly runnerClass: string;
  /** Resolves with the runner id once the CLI says it started. */
  readonly started: Promise<string>;
}

/** `tsnenc runner start --app FILE#EXPORT --runner NAME` as a process of its own. */
export function startRunnerProcess(options: RunnerProcessOptions): RunnerProcess {
  const args = ["runner", "start", "--app", `${options.app.path}#${options.app.exportName}`];
  const proc = spawnNodeScript(options.cli ?? compiledCli(), [...args, "--runner", options.runner], options);
  const started = proc
    .waitForOutput(new RegExp(`Starting ${options.runner} (\\S+) for app`), "stderr")
    .then((match) => match[1] ?? "");
  started.catch(() => {}); // awaited by the tests that need it
  return Object.assign(proc, { runnerClass: options.runner, started });
}

/**
 * Stops every process still running: SIGTERM (runners hand their work back and stop their
 * children), SIGKILL after `graceMs`. Resolves once all have exited.
 */
export async function stopAllProcesses(graceMs = 5_000): Promise<void> {
  await Promise.all([...live].map((proc) => proc.stop(graceMs)));
}

/** After each test of the calling file: no process started by it survives. */
export function useProcessCleanup(): void {
  afterEach(() => stopAllProcesses());
}
