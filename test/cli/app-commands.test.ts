import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX_CLI = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const MAIN = join(ROOT, "src", "cli", "main.ts");
const FIXTURES = join(ROOT, "test", "fixtures", "cli");
const SRC_INDEX_URL = pathToFileURL(join(ROOT, "src", "index.ts")).href;
const dirs: string[] = [];

/** The CLI's environment: no TSNENC__ variable of the outer process leaks in. */
function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: "1" };
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("TSNENC__")) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A temp project (an ESM package, like a user's) holding `files`. */
function tempDir(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tsnenc-cli-app-")));
  dirs.push(dir);
  const all = { "package.json": JSON.stringify({ name: "cli-test-app", type: "module" }), ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A module declaring one app (importing tsnenc from the repo source). */
function appModule(appId: string, exportName = "app"): string {
  return [
    `import { Tsnenc } from ${JSON.stringify(SRC_INDEX_URL)};`,
    `export const ${exportName} = new Tsnenc({ appId: ${JSON.stringify(appId)} });`,
    "",
  ].join("\n");
}

function cli(args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [TSX_CLI, MAIN, ...args], {
    cwd,
    encoding: "utf8",
    env: cliEnv(env),
    timeout: 20_000,
  });
}

function fixture(name: string): string {
  return join(FIXTURES, name);
}

function expectFailure(res: SpawnSyncReturns<string>, text: string): void {
  expect(res.stderr).toContain(text);
  expect(res.status).toBe(1);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("app loading (--app and discovery)", () => {
  it("loads a TypeScript app with --app", () => {
    const res = cli(["config", "show", "--app", fixture("ts-app.ts")], tempDir());
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("app cli-ts (");
    expect(res.stdout).toContain("ts-app.ts#app)");
    expect(res.stdout).toMatch(/^appId\s+"cli-ts"\s+code\s+/m);
  });

  it("loads a JavaScript (.mjs) app with --app, from its default export", () => {
    const res = cli(["config", "show", "--app", fixture("mjs-app.mjs")], tempDir());
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("mjs-app.mjs#default)");
    expect(res.stdout).toMatch(/^appId\s+"cli-mjs"\s+code\s+/m);
  });

  it("resolves --app relative to the working directory, FILE#EXPORT picks one of several", () => {
    const res = cli(["config", "show", "--app", "two-apps.ts#second"], FIXTURES);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("app cli-second (two-apps.ts#second)");
  });

  it("refuses a missing module", () => {
    const dir = tempDir();
    expectFailure(cli(["runner", "start", "--app", "nope.ts"], dir), `app module not found: nope.ts`);
  });

  it("refuses a module exporting no app", () => {
    expectFailure(
      cli(["runner", "start", "--app", "no-app.ts"], FIXTURES),
      "no-app.ts exports no Tsnenc app",
    );
  });

  it("refuses a module exporting several apps", () => {
    expectFailure(
      cli(["config", "show", "--app", "two-apps.ts"], FIXTURES),
      "several apps found: two-apps.ts#first (appId cli-first), two-apps.ts#second (appId cli-second)",
    );
  });

  it("reports a module that throws on import", () => {
    expectFailure(
      cli(["runner", "start", "--app", "throws.ts"], FIXTURES),
      "importing throws.ts failed: boom at import",
    );
  });

  it("discovers the one app among several files, skipping tests, configs and private modules", () => {
    const dir = tempDir({
      "app.ts": appModule("disc"),
      "helper.ts": "// builds on the Tsnenc app in app.ts\nexport const helper = 1;\n",
      "plain.js": "export const unrelated = true;\n",
      "_private.ts": appModule("private"),
      "app.test.ts": appModule("in-test"),
      "vitest.config.ts": appModule("in-vitest-config"),
      "eslint.mjs": appModule("in-eslint"),
      "types.d.ts": "// Tsnenc\nexport declare const x: number;\n",
      "notes.md": "Tsnenc",
    });
    const res = cli(["config", "show"], dir);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("app disc (app.ts#app)");
  });

  it("refuses several apps across modules", () => {
    const dir = tempDir({ "a.ts": appModule("a"), "b.mjs": appModule("b", "worker") });
    expectFailure(
      cli(["runner", "start"], dir),
      "several apps found: a.ts#app (appId a), b.mjs#worker (appId b) — pass --app",
    );
  });

  it("reports nothing discovered, listing the modules that failed to import", () => {
    const dir = tempDir({
      "broken.ts": "// uses Tsnenc\nthrow new Error('broken on purpose');\n",
      "other.ts": "// Tsnenc, but no app\nexport const x = 1;\n",
    });
    const res = cli(["runner", "start"], dir);
    expectFailure(res, `no module in ${dir} exports a Tsnenc app; pass --app FILE`);
    expect(res.stderr).toContain("broken.ts: broken on purpose");
  });
});

describe("tsnenc config show", () => {
  it("shows each field's value and source: env, config file, code and default", () => {
    const dir = tempDir({
      "app.ts": appModule("shown"),
      "tsnenc.config.json": JSON.stringify({ loggingLevel: "warning", maxRetries: 2 }),
    });
    const res = cli(["config", "show"], dir, { TSNENC__MAX_CONCURRENCY: "7" });
    expect(res.status).toBe(0);
    const out = res.stdout;
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
  });

  it("--json prints the describe() array", () => {
    const dir = tempDir({ "tsnenc.config.json": JSON.stringify({ maxConcurrency: 3 }) });
    const res = cli(["config", "show", "--json"], dir, { TSNENC__APP_ID: "from-env" });
    expect(res.status).toBe(0);
    const rows = JSON.parse(res.stdout) as Array<{
      field: string;
      value: unknown;
      source: { tier: string; detail?: string };
      envVar: string;
      scope: string;
    }>;
    expect(rows.find((r) => r.field === "appId")).toMatchObject({
      value: "from-env",
      source: { tier: "env", detail: "TSNENC__APP_ID" },
      envVar: "TSNENC__APP_ID",
    });
    expect(rows.find((r) => r.field === "maxConcurrency")).toMatchObject({
      value: 3,
      source: { tier: "file", detail: join(dir, "tsnenc.config.json") },
    });
    expect(rows.find((r) => r.field === "maxRetries")?.scope).toBe("task");
    expect(res.stderr).toContain("(no app module found; showing config from the working directory)");
  });

  it("without an app module, shows the working directory's config", () => {
    const dir = tempDir({ "tsnenc.config.json": JSON.stringify({ appId: "dir-only" }) });
    const res = cli(["config", "show"], dir);
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("(no app module found; showing config from the working directory)");
    expect(res.stdout).toMatch(/^appId\s+"dir-only"\s+file:tsnenc\.config\.json\s+/m);
  });

  it("with --app, a missing module is still an error", () => {
    expectFailure(cli(["config", "show", "--app", "missing.mjs"], tempDir()), "app module not found");
  });
});

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `tsnenc runner start ...args`, sends `signal` once it printed "Starting", and waits for its exit. */
function runUntilSignal(args: string[], cwd: string, signal: NodeJS.Signals): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX_CLI, MAIN, "runner", "start", ...args], {
      cwd,
      env: cliEnv(),
    });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`runner did not stop in time; stderr:\n${stderr}`));
    }, 40_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && stderr.includes("Starting")) {
        sent = true;
        // Let the runner finish starting (first heartbeat, "started" log) before stopping it.
        setTimeout(() => child.kill(signal), 300);
      }
    });
    child.on("error", reject);
    child.on("close", (code, exitSignal) => {
      clearTimeout(timer);
      resolve({ code, signal: exitSignal, stdout, stderr });
    });
  });
}

describe("tsnenc runner start", () => {
  it("runs the app's runner until SIGTERM, then exits 0", async () => {
    const res = await runUntilSignal(["--app", fixture("ts-app.ts")], tempDir(), "SIGTERM");
    expect(res.stderr).toMatch(/Starting AsyncRunner \S+ for app cli-ts \(50 slots\)/);
    expect(res.stderr).toContain("AsyncRunner started");
    expect(res.stderr).toContain("AsyncRunner stopped");
    expect(res.stderr).toMatch(/Stopped AsyncRunner \S+ on SIGTERM/);
    expect(res.code).toBe(0);
  });

  it("--runner overrides config 'runner'; SIGINT stops it too", async () => {
    const res = await runUntilSignal(
      ["--app", fixture("dummy-app.ts"), "--runner", "AsyncRunner"],
      tempDir(),
      "SIGINT",
    );
    expect(res.stderr).toMatch(/Starting AsyncRunner \S+ for app cli-dummy/);
    expect(res.stderr).toMatch(/Stopped AsyncRunner \S+ on SIGINT/);
    expect(res.code).toBe(0);
  });

  it("refuses DummyRunner and ExternalRunner", () => {
    expectFailure(
      cli(["runner", "start", "--app", "dummy-app.ts"], FIXTURES),
      "DummyRunner cannot execute tasks",
    );
    expectFailure(
      cli(["runner", "start", "--app", "ts-app.ts", "--runner", "ExternalRunner"], FIXTURES),
      "ExternalRunner cannot execute tasks",
    );
  });

  it("refuses an unknown runner name", () => {
    expectFailure(
      cli(["runner", "start", "--app", "ts-app.ts", "--runner", "NoSuchRunner"], FIXTURES),
      "config 'runner'",
    );
  });
});
