// Smoke tests of the real `tsnenc` process (the compiled CLI, test/helpers/compiled-setup.ts),
// one per command; everything else about the commands runs in process (app-commands.test.ts,
// status-render.test.ts). A TypeScript app module in a temp project, loaded through tsx as a
// user's would be.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Tsnenc } from "../../src/index.js";
import { renderStatusMachineText } from "../../src/status/render-text.js";
import { compiledCli } from "../helpers/compiled.js";
import { spawnNodeScript, useProcessCleanup, within } from "../helpers/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC_INDEX_URL = pathToFileURL(join(ROOT, "src", "index.ts")).href;
const dirs: string[] = [];

/** fib, awaiting its sub-calls: on one slot it finishes only if waiting invocations are paused. */
const FIB_TASK =
  'export const fib = app.task("fib", async (n: number): Promise<number> => n < 2 ? n : ' +
  "(await fib(n - 1).result()) + (await fib(n - 2).result()));";

/** A temp project (an ESM package, like a user's) with an app module `app.ts` and `files`. */
function project(appId: string, files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tsnenc-cli-smoke-")));
  dirs.push(dir);
  const all = {
    "package.json": JSON.stringify({ name: "cli-smoke-app", type: "module" }),
    "app.ts": [
      `import { Tsnenc } from ${JSON.stringify(SRC_INDEX_URL)};`,
      `export const app = new Tsnenc({ appId: ${JSON.stringify(appId)} });`,
      `export const add = app.task("add", async (x: number, y: number) => x + y);`,
      FIB_TASK,
      "",
    ].join("\n"),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `tsnenc ...args` as a process of its own in `cwd`. */
function tsnenc(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnNodeScript(compiledCli(), args, { cwd, env: { NO_COLOR: "1", ...env } });
}

useProcessCleanup();

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("tsnenc as a process", () => {
  it("config show: the app module's fields with their sources (env, config file, code, default)", {
    timeout: 30_000,
  }, async () => {
    const dir = project("shown", {
      "tsnenc.config.json": JSON.stringify({ loggingLevel: "warning", maxRetries: 2 }),
    });
    const proc = tsnenc(["config", "show"], dir, { TSNENC__MAX_CONCURRENCY: "7" });
    expect(await within(proc.exited, 25_000, "config show")).toEqual({ code: 0, signal: null });
    const out = proc.stdout();
    expect(out).toContain("app shown (app.ts#app)");
    expect(out).toMatch(/^FIELD\s+VALUE\s+SOURCE\s+DESCRIPTION$/m);
    expect(out).toMatch(/^maxConcurrency\s+7\s+env:TSNENC__MAX_CONCURRENCY\s+invocations an AsyncRunner/m);
    expect(out).toMatch(/^loggingLevel\s+"warning"\s+file:tsnenc\.config\.json\s+minimum level/m);
    expect(out).toMatch(/^maxRetries\s+2\s+file:tsnenc\.config\.json\s+/m);
    expect(out).toMatch(/^appId\s+"shown"\s+code\s+/m);
    expect(out).toMatch(/^backend\s+"sqlite"\s+default\s+/m);
    // aligned: the SOURCE column starts at the same offset on every field line
    const lines = out.split("\n").filter((l) => /^(maxConcurrency|backend|appId) /.test(l));
    const offsets = lines.map((l) => l.search(/(env:|default|code)/));
    expect(new Set(offsets).size).toBe(1);
    expect(proc.stderr()).toBe("");
  });

  it("runner start: the app's own AsyncRunner by default (it pauses waiting tasks), until SIGTERM, then exits 0", {
    timeout: 40_000,
  }, async () => {
    // The app module loads tsnenc from source while the command is compiled: two copies. fib(5)
    // on one slot completes only if the runner is built by the app's copy, the one its tasks see.
    const dir = project("cli-ts");
    const proc = tsnenc(["runner", "start", "--app", "app.ts"], dir, { TSNENC__MAX_CONCURRENCY: "1" });
    await proc.waitForOutput(/Starting AsyncRunner \S+ for app cli-ts \(1 slots\)/, "stderr");
    await proc.waitForOutput(/AsyncRunner started/, "stderr");
    // The runner's default SQLite file, under its working directory.
    const sqlitePath = join(dir, ".tsnenc", "tsnenc.db");
    const client = new Tsnenc({ appId: "cli-ts", sqlitePath, loggingLevel: "error" }, { cwd: dir, env: {} });
    const fib = client.task("fib", async (_n: number): Promise<number> => 0);
    try {
      expect(await within((await fib(5)).result(), 25_000, "fib(5) on one slot")).toBe(5);
    } finally {
      await client.close();
    }
    proc.kill("SIGTERM");
    expect(await within(proc.exited, 20_000, "the runner to stop")).toEqual({ code: 0, signal: null });
    expect(proc.stderr()).toContain("AsyncRunner stopped");
    expect(proc.stderr()).toMatch(/Stopped AsyncRunner \S+ on SIGTERM/);
  });

  it("status render: prints the text rendering", { timeout: 30_000 }, async () => {
    const proc = tsnenc(["status", "render"], ROOT);
    expect(await within(proc.exited, 25_000, "status render")).toEqual({ code: 0, signal: null });
    expect(proc.stdout()).toBe(renderStatusMachineText());
  });
});
