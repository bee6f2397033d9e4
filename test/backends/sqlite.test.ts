import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createSqliteBackend } from "../../src/backends/sqlite/index.js";
import { describeBackendConformance } from "../../src/testing/index.js";

/** One database file for this test file: every test's app ids (two in the isolation tests) share it. */
const dir = mkdtempSync(join(tmpdir(), "tsnenc-sqlite-"));
const path = join(dir, "conformance.db");

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeBackendConformance("sqlite", ({ appId }) => createSqliteBackend({ appId, path }));
