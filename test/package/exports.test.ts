// The package's entry points (package.json `exports` and `bin`) name files the build produces:
// each target in dist/ has its source in src/, which tsconfig.build.json compiles (an export
// pointing at nothing, as `./testing` once did, fails here before any user sees it).
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface PackageJson {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as PackageJson;
const build = JSON.parse(readFileSync(`${ROOT}tsconfig.build.json`, "utf8")) as {
  compilerOptions: { rootDir: string; outDir: string };
};

/** `./dist/testing/index.js` or `.d.ts` -> `src/testing/index.ts`. */
function sourceOf(target: string): string {
  const match = /^\.\/dist\/(.+)\.(?:js|d\.ts)$/.exec(target);
  if (!match) throw new Error(`${target} is not a file under ./dist`);
  return `src/${match[1]}.ts`;
}

describe("package entry points", () => {
  it("the build compiles src/ into dist/", () => {
    expect(build.compilerOptions).toMatchObject({ rootDir: "src", outDir: "dist" });
  });

  const targets = Object.entries(pkg.exports)
    .filter(([subpath]) => subpath !== "./package.json")
    .flatMap(([subpath, target]) =>
      typeof target === "string" ? [[subpath, target]] : Object.values(target).map((t) => [subpath, t]),
    );
  it.each(targets)("export %s -> %s has its source", (_subpath, target) => {
    expect(existsSync(`${ROOT}${sourceOf(target as string)}`), sourceOf(target as string)).toBe(true);
  });

  it("exports the root and tsnenc/testing, and the tsnenc command", () => {
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining([".", "./testing"]));
    expect(existsSync(`${ROOT}${sourceOf(pkg.bin.tsnenc ?? "")}`)).toBe(true);
  });

  it("drivers and vitest are optional peers, never dependencies", () => {
    for (const name of ["ioredis", "vitest"]) {
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(pkg.dependencies[name], name).toBeUndefined();
    }
  });
});
