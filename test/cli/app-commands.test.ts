// The app commands (`config show`, `runner start`) and how they load the app, run in this
// process through runCli (./run-cli.ts). The smoke tests of cli.smoke.test.ts run the real
// `tsnenc` process: an app module's own config from env and files, and stopping on SIGTERM.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type CliResult, cli as runCli } from "./run-cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = join(ROOT, "test", "fixtures", "cli");
const SRC_INDEX_URL = pathToFileURL(join(ROOT, "src", "index.ts")).href;
const dirs: string[] = [];

/** A temp project (an ESM package, like a user's) holding `files`. */
function tempDir(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tsnenc-cli-app-")));
  dirs.push(dir);
  const all = { "package.json": JSON.stringify({ name: "cli-test-app", type: "module" }), ...files };
  for (const [name, text] of Object.entries(all)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A module declaring one app (importing tsnenc from the repo source), with `config` added to its config object. */
function appModule(appId: string, exportName = "app", config = ""): string {
  return [
    `import { Tsnenc } from ${JSON.stringify(SRC_INDEX_URL)};`,
    `export const ${exportName} = new Tsnenc({ appId: ${JSON.stringify(appId)}${config} });`,
    "",
  ].join("\n");
}

/** `tsnenc ...args` in `cwd`, in this process. */
function cli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd, env });
}

function fixture(name: string): string {
  return join(FIXTURES, name);
}

function expectFailure(res: CliResult, text: string): void {
  expect(res.stderr).toContain(text);
  expect(res.code).toBe(1);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("app loading (--app and discovery)", () => {
  it("loads a TypeScript app with --app", async () => {
    const res = await cli(["config", "show", "--app", fixture("ts-app.ts")], tempDir());
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("app cli-ts (");
    expect(res.stdout).toContain("ts-app.ts#app)");
    expect(res.stdout).toMatch(/^appId\s+"cli-ts"\s+code\s+/m);
  });

  it("loads a JavaScript (.mjs) app with --app, from its default export", async () => {
    const res = await cli(["config", "show", "--app", fixture("mjs-app.mjs")], tempDir());
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("mjs-app.mjs#default)");
    expect(res.stdout).toMatch(/^appId\s+"cli-mjs"\s+code\s+/m);
  });

  it("resolves --app relative to the working directory, FILE#EXPORT picks one of several", async () => {
    const res = await cli(["config", "show", "--app", "two-apps.ts#second"], FIXTURES);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("app cli-second (two-apps.ts#second)");
  });

  it("refuses a missing module", async () => {
    const dir = tempDir();
    expectFailure(await cli(["runner", "start", "--app", "nope.ts"], dir), `app module not found: nope.ts`);
  });

  it("refuses a module exporting no app", async () => {
    expectFailure(
      await cli(["runner", "start", "--app", "no-app.ts"], FIXTURES),
      "no-app.ts exports no Tsnenc app",
    );
  });

  it("refuses a module exporting several apps", async () => {
    expectFailure(
      await cli(["config", "show", "--app", "two-apps.ts"], FIXTURES),
      "several apps found: two-apps.ts#first (appId cli-first), two-apps.ts#second (appId cli-second)",
    );
  });

  it("reports a module that throws on import", async () => {
    expectFailure(
      await cli(["runner", "start", "--app", "throws.ts"], FIXTURES),
      "importing throws.ts failed: boom at import",
    );
  });

  it("discovers the one app among several files, skipping tests, configs and private modules", async () => {
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
    const res = await cli(["config", "show"], dir);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("app disc (app.ts#app)");
  });

  it("refuses several apps across modules", async () => {
    const dir = tempDir({ "a.ts": appModule("a"), "b.mjs": appModule("b", "worker") });
    expectFailure(
      await cli(["runner", "start"], dir),
      "several apps found: a.ts#app (appId a), b.mjs#worker (appId b) — pass --app",
    );
  });

  it("reports nothing discovered, listing the modules that failed to import", async () => {
    const dir = tempDir({
      "broken.ts": "// uses Tsnenc\nthrow new Error('broken on purpose');\n",
      "other.ts": "// Tsnenc, but no app\nexport const x = 1;\n",
    });
    const res = await cli(["runner", "start"], dir);
    expectFailure(res, `no module in ${dir} exports a Tsnenc app; pass --app FILE`);
    expect(res.stderr).toContain("broken.ts: broken on purpose");
  });
});

describe("tsnenc config show", () => {
  it("--json prints the describe() array", async () => {
    const dir = tempDir({ "tsnenc.config.json": JSON.stringify({ maxConcurrency: 3 }) });
    const res = await cli(["config", "show", "--json"], dir, { TSNENC__APP_ID: "from-env" });
    expect(res.code).toBe(0);
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

  it("without an app module, shows the working directory's config", async () => {
    const dir = tempDir({ "tsnenc.config.json": JSON.stringify({ appId: "dir-only" }) });
    const res = await cli(["config", "show"], dir);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("(no app module found; showing config from the working directory)");
    expect(res.stdout).toMatch(/^appId\s+"dir-only"\s+file:tsnenc\.config\.json\s+/m);
  });

  it("with --app, a missing module is still an error", async () => {
    expectFailure(await cli(["config", "show", "--app", "missing.mjs"], tempDir()), "app module not found");
  });
});

/**
 * `tsnenc runner start ...args` in process; once it printed "Starting" (run() has begun), the
 * `signals` are delivered through its IO, one after the other in the next turn.
 */
function runnerStartWithSignals(args: string[], cwd: string, signals: NodeJS.Signals[]) {
  let send: (signal: NodeJS.Signals) => void = () => {};
  let sent = false;
  return runCli(["runner", "start", ...args], {
    cwd,
    onSignal: (listener) => {
      send = listener;
    },
    onStderr: (all) => {
      if (sent || !all.includes("Starting")) return;
      sent = true;
      setImmediate(() => {
        for (const signal of signals) send(signal);
      });
    },
  });
}

describe("tsnenc runner start", () => {
  it("--runner overrides config 'runner'; SIGINT stops it, exit code 0", async () => {
    // A memory-backend app configured with DummyRunner, which cannot execute tasks.
    const dir = tempDir({
      "app.ts": appModule(
        "cli-dummy",
        "app",
        ', backend: "memory", runner: "DummyRunner", loggingLevel: "error"',
      ),
    });
    const res = await runnerStartWithSignals(["--runner", "AsyncRunner"], dir, ["SIGINT"]);
    expect(res.stderr).toMatch(/Starting AsyncRunner \S+ for app cli-dummy/);
    expect(res.stderr).toMatch(/Received SIGINT; stopping AsyncRunner/);
    expect(res.stderr).toMatch(/Stopped AsyncRunner \S+ on SIGINT/);
    expect(res.code).toBe(0);
  });

  it("a second signal while stopping ends the run at once: exit code 143 after SIGTERM", async () => {
    const dir = tempDir({
      "app.ts": appModule("cli-twice", "app", ', backend: "memory", loggingLevel: "error"'),
    });
    // The second in the same turn as the first: before the runner has stopped.
    const res = await runnerStartWithSignals([], dir, ["SIGINT", "SIGTERM"]);
    expect(res.stderr).toMatch(/Received SIGINT; stopping AsyncRunner/);
    expect(res.stderr).toContain("Received SIGTERM while stopping; exiting now");
    expect(res.code).toBe(143);
  });

  it("refuses DummyRunner and ExternalRunner", async () => {
    expectFailure(
      await cli(["runner", "start", "--app", "dummy-app.ts"], FIXTURES),
      "DummyRunner cannot execute tasks",
    );
    expectFailure(
      await cli(["runner", "start", "--app", "ts-app.ts", "--runner", "ExternalRunner"], FIXTURES),
      "ExternalRunner cannot execute tasks",
    );
  });

  it("refuses an unknown runner name", async () => {
    expectFailure(
      await cli(["runner", "start", "--app", "ts-app.ts", "--runner", "NoSuchRunner"], FIXTURES),
      "config 'runner'",
    );
  });
});
