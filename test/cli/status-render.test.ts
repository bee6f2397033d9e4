import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { renderStatusMachineSvg } from "../../src/status/render-svg.js";
import { renderStatusMachineText } from "../../src/status/render-text.js";
import { type CliResult, cli as runCli } from "./run-cli.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tsnenc-cli-"));
  dirs.push(dir);
  return dir;
}

/** `tsnenc ...args` in this process (./run-cli.ts), in `cwd` (default: the repository). */
function cli(args: string[], cwd = ROOT): Promise<CliResult> {
  return runCli(args, { cwd });
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("tsnenc status render", () => {
  it("prints the text rendering by default", async () => {
    const res = await cli(["status", "render"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(renderStatusMachineText());
    expect(res.stdout).toContain("  START -> REGISTERED\n");
  });

  it("writes the SVG with --output, creating directories", async () => {
    const out = join(tempDir(), "nested", "machine.svg");
    const res = await cli(["status", "render", "--format", "svg", "--output", out]);
    expect(res.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(renderStatusMachineSvg());
    expect(res.stdout).toContain("Wrote");
  });

  it("--check passes on a fresh file and fails on a stale or missing one", async () => {
    const dir = tempDir();
    const out = join(dir, "machine.txt");
    expect((await cli(["status", "render", "--output", out])).code).toBe(0);
    const fresh = await cli(["status", "render", "--output", out, "--check"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("up to date");

    writeFileSync(out, `${renderStatusMachineText()}  RUNNING -> REGISTERED\n`);
    const stale = await cli(["status", "render", "--output", out, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("stale");
    expect(stale.stderr).toContain("tsnenc status render --format text --output");
    expect(stale.stderr).not.toMatch(/\n\s+at /);

    const missing = await cli(["status", "render", "--output", join(dir, "none.txt"), "--check"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("missing");
  });

  it("svg --check defaults to docs/invocation-state-machine.svg in the working directory", async () => {
    const dir = tempDir();
    const missing = await cli(["status", "render", "--format", "svg", "--check"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("docs/invocation-state-machine.svg is missing");
    const written = await cli(
      ["status", "render", "--format", "svg", "--output", "docs/invocation-state-machine.svg"],
      dir,
    );
    expect(written.code).toBe(0);
    expect(existsSync(join(dir, "docs", "invocation-state-machine.svg"))).toBe(true);
    expect((await cli(["status", "render", "--format", "svg", "--check"], dir)).code).toBe(0);
  });

  it("the committed docs SVG is fresh", async () => {
    expect((await cli(["status", "render", "--format", "svg", "--check"])).code).toBe(0);
  });

  it("rejects text --check without --output and unknown formats", async () => {
    const res = await cli(["status", "render", "--check"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("--check requires --output");
    const bad = await cli(["status", "render", "--format", "png"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Allowed choices are text, svg");
  });

  it("prints errors without a stack unless --verbose", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "x");
    const quiet = await cli(["status", "render", "--output", join(file, "x.txt")]);
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toMatch(/^error: /);
    expect(quiet.stderr).not.toMatch(/\n\s+at /);
    const verbose = await cli(["--verbose", "status", "render", "--output", join(file, "x.txt")]);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });
});
