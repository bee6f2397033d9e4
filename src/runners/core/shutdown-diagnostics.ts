import { cpus, loadavg, platform, release } from "node:os";
import type { Logger } from "../../logging/logger.js";
import type { RunnerContext } from "../runner-context.js";

/** One framed block (a warning when a signal stopped the runner) describing a runner's shutdown: who, why, and the machine's state. */
export function logShutdownDiagnostics(
  logger: Logger,
  context: RunnerContext,
  signal: NodeJS.Signals | undefined,
  details: readonly string[],
): void {
  try {
    const reason =
      signal === undefined
        ? "NORMAL"
        : signal === "SIGTERM" || signal === "SIGINT"
          ? signal
          : "UNKNOWN_SIGNAL";
    const rssMb = (process.memoryUsage().rss / 1024 / 1024).toFixed(1);
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
    const frame = "=".repeat(60);
    const lines = [
      frame,
      "RUNNER SHUTDOWN DIAGNOSTICS",
      `runner:${context.runnerClass}(${context.runnerId.slice(0, 8)}) pid:${context.pid} signal:${signal ?? "none"} reason:${reason}`,
      `sys: os:${platform()} ${release()} | node:${process.version} | cpus:${cpus().length} | load:${load} | rss:${rssMb}MB`,
      ...details,
      frame,
    ];
    if (signal === undefined) logger.info(lines.join("\n"));
    else logger.warn(lines.join("\n"));
  } catch {
    // Diagnostics must never prevent a shutdown.
  }
}
