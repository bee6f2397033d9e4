/**
 * Worker processes for the benchmarks, driven over IPC: the child says `ready` once loaded and
 * connected, starts consuming on `go`, and on `stop` shuts down and answers with its memory
 * figures before exiting. Extra node flags for the workers (e.g. `--cpu-prof`) come from
 * BENCH_WORKER_NODE_ARGS.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface WorkerStats {
  /** Resident set size when ready (before any work), MB. */
  readyRssMb: number;
  /** Peak resident set size over the process's life (`resourceUsage().maxRSS`), MB. */
  maxRssMb: number;
  /** CPU time (user + system) over the process's life, start-up included, ms. */
  cpuMs: number;
  /** CPU time from `go` until stopped (the work itself, and the shutdown), ms. */
  workCpuMs: number;
}

type ToParent = { type: "ready"; rssMb: number } | { type: "stopped"; stats: WorkerStats };
type ToChild = { type: "go" } | { type: "stop" };

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function isMessage<T extends { type: string }>(value: unknown, type: T["type"]): value is T {
  return typeof value === "object" && value !== null && "type" in value && value.type === type;
}

/** A worker child process (`script` relative to bench/). */
export class WorkerProcess {
  readonly ready: Promise<void>;
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private stats: WorkerStats | undefined;

  constructor(script: string, env: Record<string, string>) {
    const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    this.child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
      cwd: ROOT,
      execArgv: ["--import", "tsx", ...extra],
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      this.child.on("message", (message: unknown) => {
        if (isMessage<ToParent>(message, "ready")) resolve();
        if (isMessage<Extract<ToParent, { type: "stopped" }>>(message, "stopped")) this.stats = message.stats;
      });
      void this.exited.then((code) => reject(new Error(`worker ${script} exited (${code}) before ready`)));
    });
  }

  /** `work`, or a rejection if the worker exits before `work` settles (a crashed worker). */
  watch<T>(work: Promise<T>): Promise<T> {
    const died = this.exited.then((code) => {
      throw new Error(`worker exited (${code}) while the client waited for it`);
    });
    died.catch(() => undefined);
    return Promise.race([work, died]);
  }

  /** Starts consuming. */
  go(): void {
    this.send({ type: "go" });
  }

  /** Stops the worker and waits for it to exit; its memory figures. */
  async stop(): Promise<WorkerStats> {
    if (this.child.exitCode === null) this.send({ type: "stop" });
    const code = await this.exited;
    if (!this.stats) throw new Error(`worker exited (${code}) without reporting its figures`);
    return this.stats;
  }

  /**
   * Stops the worker (killing it if it fails to stop cleanly), then runs the session's own
   * `cleanup` whatever happened; the worker's memory figures.
   */
  async stopThen(cleanup: () => Promise<void>): Promise<WorkerStats> {
    try {
      return await this.stop();
    } catch (error) {
      this.kill();
      throw error;
    } finally {
      await cleanup();
    }
  }

  /** Ends the child at once (after a failure). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private send(message: ToChild): void {
    this.child.send(message);
  }
}

export interface WorkerHandlers {
  /** Starts consuming (called on `go`). */
  start(): void;
  /** Stops consuming and closes connections. */
  stop(): Promise<void>;
}

/** CPU time (user + system) this process used so far, ms. */
function cpuMs(): number {
  const usage = process.resourceUsage();
  return Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
}

/** The child side: report ready, start on `go`, on `stop` report memory and exit. */
export function serveWorker(handlers: WorkerHandlers): void {
  const send = (message: ToParent, then?: () => void): void => {
    if (process.send) process.send(message, undefined, {}, () => then?.());
  };
  let started = false;
  let cpuAtGo = 0;
  process.on("disconnect", () => process.exit(1));
  process.on("message", (message: unknown) => {
    if (isMessage<ToChild>(message, "go") && !started) {
      started = true;
      cpuAtGo = cpuMs();
      handlers.start();
    }
    if (!isMessage<ToChild>(message, "stop")) return;
    void handlers.stop().then(() => {
      const usage = process.resourceUsage();
      const stats = {
        readyRssMb,
        maxRssMb: Math.round(usage.maxRSS / 102.4) / 10,
        cpuMs: cpuMs(),
        workCpuMs: started ? cpuMs() - cpuAtGo : 0,
      };
      send({ type: "stopped", stats }, () => process.exit(0));
    });
  });
  const readyRssMb = mb(process.memoryUsage().rss);
  send({ type: "ready", rssMb: readyRssMb });
}
