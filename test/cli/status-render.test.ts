import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderStatusMachineSvg } from "../../src/status/render-svg.js";
import { renderStatusMachineText } from "../../src/status/render-text.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const MAIN = join(ROOT, "src", "cli", "main.ts");
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsnenc-cli-"));
  dirs.push(dir);
  return dir;
}

/** `tsx src/cli/main.ts ...args` (the repo's own tsx, so any cwd works). */
function cli(args: string[], cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(TSX, [MAIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("tsnenc status render", () => {
  it("prints the text rendering by default", () => {
    const res = cli(["status", "render"]);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(renderStatusMachineText());
    expect(res.stdout).toContain("  START -> REGISTERED\n");
  });

  it("writes the SVG with --output, creating directories", () => {
    const out = join(tempDir(), "nested", "machine.svg");
    const res = cli(["status", "render", "--format", "svg", "--output", out]);
    expect(res.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(renderStatusMachineSvg());
    expect(res.stdout).toContain("Wrote");
  });

  it("--check passes on a fresh file and fails on a stale or missing one", () => {
    const dir = tempDir();
    const out = join(dir, "machine.txt");
    expect(cli(["status", "render", "--output", out]).status).toBe(0);
    const fresh = cli(["status", "render", "--output", out, "--check"]);
    expect(fresh.status).toBe(0);
    expect(fresh.stdout).toContain("up to date");

    writeFileSync(out, `${renderStatusMachineText()}  RUNNING -> REGISTERED\n`);
    const stale = cli(["status", "render", "--output", out, "--check"]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("stale");
    expect(stale.stderr).toContain("tsnenc status render --format text --output");
    expect(stale.stderr).not.toMatch(/\n\s+at /);

    const missing = cli(["status", "render", "--output", join(dir, "none.txt"), "--check"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("missing");
  });

  it("svg --check defaults to docs/invocation-state-machine.svg in the working directory", () => {
    const dir = tempDir();
    const missing = cli(["status", "render", "--format", "svg", "--check"], dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("docs/invocation-state-machine.svg is missing");
    expect(
      cli(["status", "render", "--format", "svg", "--output", "docs/invocation-state-machine.svg"], dir)
        .status,
    ).toBe(0);
    expect(existsSync(join(dir, "docs", "invocation-state-machine.svg"))).toBe(true);
    expect(cli(["status", "render", "--format", "svg", "--check"], dir).status).toBe(0);
  });

  it("the committed docs SVG is fresh", () => {
    expect(cli(["status", "render", "--format", "svg", "--check"]).status).toBe(0);
  });

  it("rejects text --check without --output and unknown formats", () => {
    const res = cli(["status", "render", "--check"]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("--check requires --output");
    const bad = cli(["status", "render", "--format", "png"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("Allowed choices are text, svg");
  });

  it("prints errors without a stack unless --verbose", () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "x");
    const quiet = cli(["status", "render", "--output", join(file, "x.txt")]);
    expect(quiet.status).toBe(1);
    expect(quiet.stderr).toMatch(/^error: /);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = cli(["--verbose", "status", "render", "--output", join(file, "x.txt")]);
    expect(verbose.status).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
