import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../config/helpers.js";
import { compiledPath } from "../helpers/compiled.js";

/**
 * In a fresh Node process (so nothing else loaded a driver before): builds an app on `backend`,
 * opens its backend (registering one invocation unless it is Redis, where nothing listens),
 * closes it, and returns the drivers loaded.
 */
function driversLoadedBy(backend: "memory" | "sqlite" | "redis"): string[] {
  const dir = tempDir();
  const script = `
    import { createRequire } from "node:module";
    import { join } from "node:path";
    const { Tsnenc } = await import(${JSON.stringify(pathToFileURL(compiledPath("src/index.ts")).href)});
    const dir = ${JSON.stringify(dir)};
    const app = new Tsnenc(
      { appId: "drivers", backend: ${JSON.stringify(backend)}, sqlitePath: join(dir, "t.db"), redisUrl: "redis://127.0.0.1:1" },
      { cwd: dir, env: {} },
    );
    const before = loaded();
    if (${JSON.stringify(backend)} === "redis") app.backend.orchestrator;
    else await app.task("add", async (x, y) => x + y)(1, 2);
    await app.close();
    console.log(JSON.stringify({ before, after: loaded() }));
    function loaded() {
      const cache = createRequire(join(dir, "probe.js")).cache;
      const names = Object.keys(cache).map((p) => /node_modules[\\\\/](better-sqlite3|ioredis)[\\\\/]/.exec(p)?.[1]);
      return [...new Set(names.filter(Boolean))].sort();
    }
  `;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: dir,
    encoding: "utf8",
    timeout: 20_000,
  });
  if (child.status !== 0) throw new Error(`the probe failed (${child.status}): ${child.stderr}`);
  const { before, after } = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}") as {
    before: string[];
    after: string[];
  };
  expect(before, "drivers loaded by building the app").toEqual([]);
  return after;
}

describe("driver loading: only the driver of the backend the app uses, when it opens", () => {
  it("memory: none", () => {
    expect(driversLoadedBy("memory")).toEqual([]);
  });

  it("sqlite: better-sqlite3, never ioredis", () => {
    expect(driversLoadedBy("sqlite")).toEqual(["better-sqlite3"]);
  });

  it("redis: ioredis, never better-sqlite3", () => {
    expect(driversLoadedBy("redis")).toEqual(["ioredis"]);
  });
});
