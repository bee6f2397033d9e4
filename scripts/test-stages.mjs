#!/usr/bin/env node
// `npm test`: the vitest projects of vitest.config.ts one after the other (unit, runners,
// process), stopping at the first stage that fails. Arguments go to every stage (e.g. a file
// filter: stages with no matching file pass). `--stage NAME` (repeatable) runs only those.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
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
const reports = mkdtempSync(join(tmpdir(), "tsnenc-test-stages-"));
let testsRun = 0;
for (const stage of STAGES.filter((s) => only.length === 0 || only.includes(s))) {
  process.stdout.write(`\n== test stage: ${stage}\n`);
  const startedAt = performance.now();
  // A filter may match no file of a stage; the run as a whole must still have run tests.
  const extra = rest.length > 0 ? ["--passWithNoTests", ...rest] : [];
  const report = join(reports, `${stage}.json`);
  const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=${report}`];
  const result = spawnSync(process.execPath, [VITEST, "run", "--project", stage, ...reporters, ...extra], {
    stdio: "inherit",
  });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  timings.push(`${stage} ${seconds} s`);
  if (result.status !== 0) {
    process.stdout.write(`\n== test stage ${stage} failed after ${seconds} s; later stages not run\n`);
    rmSync(reports, { recursive: true, force: true });
    process.exit(result.status ?? 1);
  }
  testsRun += testsIn(report);
}
rmSync(reports, { recursive: true, force: true });
if (testsRun === 0) {
  process.stdout.write(`\n== no test ran (filter: ${rest.join(" ") || "none"}); failing\n`);
  process.exit(1);
}
process.stdout.write(`\n== test stages passed (${testsRun} tests): ${timings.join(", ")}\n`);

/** Tests a stage ran, from its JSON report (none when it wrote no report). */
function testsIn(report) {
  try {
    return JSON.parse(readFileSync(report, "utf8")).numTotalTests ?? 0;
  } catch {
    return 0;
  }
}
