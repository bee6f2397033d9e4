// Smoke tests of the real `tsnenc` process (the compiled CLI, test/helpers/compiled-setup.ts),
// one per command; everything else about the commands runs in process (app-commands.test.ts,
// status-render.test.ts). A TypeScript app module in a temp project, loaded through tsx as a
// user's would be.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderStatusMachineText } from "../../src/status/render-text.js";
import { compiledCli } from "../helpers/compiled.js";
import { spawnNodeScript, useProcessCleanup, within } from "../helpers/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SRC_INDEX_URL = pathToFileURL(join(ROOT, "src", "index.ts")).href;
const dirs: string[] = [];

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

  it("runner start: runs the app's runner until SIGTERM, then exits 0", { timeout: 30_000 }, async () => {
    const proc = tsnenc(["runner", "start", "--app", "app.ts"], project("cli-ts"));
    await proc.waitForOutput(/Starting AsyncRunner \S+ for app cli-ts \(50 slots\)/, "stderr");
    await proc.waitForOutput(/AsyncRunner started/, "stderr");
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
