#!/usr/bin/env node
// `npm test`: the vitest projects of vitest.config.ts one after the other (unit, runners,
// process), stopping at the first stage that fails. Arguments go to every stage (e.g. a file
// filter: stages with no matching file pass). `--stage NAME` (repeatable) runs only those.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const VITEST = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");

const STAGES = ["unit", "runners", "process"];

const args = process.argv.slice(2);
const only = [];
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--stage") only.push(args[++i] ?? "");
  else rest.push(args[i]);
}
const unknown = only.filter((stage) => !STAGES.includes(stage));
if (unknown.length > 0) {
  process.stderr.write(`unknown stage ${unknown.join(", ")}; stages: ${STAGES.join(", ")}\n`);
  process.exit(2);
}

const timings = [];
for (const stage of STAGES.filter((s) => only.length === 0 || only.includes(s))) {
  process.stdout.write(`\n== test stage: ${stage}\n`);
  const startedAt = performance.now();
  const extra = rest.length > 0 ? ["--passWithNoTests", ...rest] : [];
  const result = spawnSync(process.execPath, [VITEST, "run", "--project", stage, ...extra], {
    stdio: "inherit",
  });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  timings.push(`${stage} ${seconds} s`);
  if (result.status !== 0) {
    process.stdout.write(`\n== test stage ${stage} failed after ${seconds} s; later stages not run\n`);
    process.exit(result.status ?? 1);
  }
}
process.stdout.write(`\n== test stages passed: ${timings.join(", ")}\n`);
