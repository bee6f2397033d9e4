import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { add, app, fib } from "./fixtures/runner-app.js";
import { APP_MODULE, useRunnerTestEnv, within } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX_CLI = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const MAIN = join(ROOT, "src", "cli", "main.ts");

/** One worker for each runner, in the runner's own config field (another runner's is refused). */
const ONE_WORKER: Record<string, Record<string, string>> = {
  MultiProcessRunner: { TSNENC__MAX_PROCESSES: "1" },
  PersistentProcessRunner: { TSNENC__NUM_PROCESSES: "1" },
  ThreadRunner: { TSNENC__NUM_THREADS: "1" },
  ProcessRunner: { TSNENC__MAX_RUNNING_PROCESSES: "1" },
};

/** `tsnenc runner start` (from source) on the fixture app, pointed at the test's SQLite file by env. */
function startCli(
  runner: string | undefined,
  dbPath: string,
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("TSNENC__")) env[key] = value;
  Object.assign(env, {
    TSNENC__BACKEND: "sqlite",
    TSNENC__SQLITE_PATH: dbPath,
    TSNENC__APP_ID: app.appId,
    ...(runner ? ONE_WORKER[runner] : {}),
    ...extraEnv,
  });
  const args = [TSX_CLI, MAIN, "runner", "start", "--app", `${APP_MODULE.path}#app`];
  if (runner) args.push("--runner", runner);
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe("tsnenc runner start with the runners that start children", () => {
  const env = useRunnerTestEnv();

  it.each(["MultiProcessRunner", "PersistentProcessRunner", "ThreadRunner", "ProcessRunner"])(
    "%s executes tasks and stops on SIGTERM with exit code 0",
    { timeout: 60_000 },
    async (runner) => {
      const cli = startCli(runner, env.dbPath);
      try {
        const invocation = await add(1, 2);
        expect(await within(invocation.result(), 40_000, `add(1, 2) on ${runner}`)).toBe(3);
        cli.child.kill("SIGTERM");
        expect(await within(cli.exited, 15_000, "the CLI to exit")).toBe(0);
        expect(cli.stderr()).toContain(`Stopped ${runner}`);
      } finally {
        cli.child.kill("SIGKILL");
      }
    },
  );

  it("without --runner or config 'runner': an AsyncRunner of the app's own copy of tsnenc, which pauses waiting tasks", {
    timeout: 60_000,
  }, async () => {
    // One slot: fib(5) completes only if each waiting invocation is paused, which needs the runner
    // to be built by the app module's copy of tsnenc (the one its tasks see), not the command's.
    const cli = startCli(undefined, env.dbPath, { TSNENC__MAX_CONCURRENCY: "1" });
    try {
      expect(await within((await fib(5)).result(), 40_000, "fib(5) on one slot")).toBe(5);
      cli.child.kill("SIGTERM");
      expect(await within(cli.exited, 15_000, "the CLI to exit")).toBe(0);
      expect(cli.stderr()).toContain("Stopped AsyncRunner");
    } finally {
      cli.child.kill("SIGKILL");
    }
  });
});
