import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { createSqliteBackend } from "../../src/backends/sqlite/index.js";
import { InvocationStatus } from "../../src/status/statuses.js";
import { makeRecords, sorted } from "../../src/testing/conformance/fixtures.js";
import { compiledPath } from "../helpers/compiled.js";
import { within } from "../helpers/waiting.js";

const S = InvocationStatus;
const dir = mkdtempSync(join(tmpdir(), "tsnenc-sqlite-mp-"));
/** The claimer script, compiled (test/helpers/compiled-setup.ts): it starts without tsx. */
const CLAIMER = compiledPath("test/fixtures/sqlite-claimer.ts");

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A claimer process; `ready` resolves when it has opened the file, `result` with its claimed ids. */
function startClaimer(path: string, appId: string, runnerId: string, mode = "claim") {
  const child: ChildProcess = spawn(process.execPath, [CLAIMER, path, appId, runnerId, mode], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith("ready\n")) onReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  const result = new Promise<string[]>((resolve, reject) => {
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`claimer ${runnerId} exited with ${code}: ${err}`));
      const last = out.trim().split("\n").at(-1) ?? "[]";
      resolve(JSON.parse(last) as string[]);
    });
  });
  return { ready, result, go: () => child.stdin?.end("go\n") };
}

describe("sqlite backend across processes", () => {
  it("two processes claiming from one file claim each of 500 invocations exactly once", async () => {
    const path = join(dir, "shared.db");
    const appId = "multiprocess";
    const backend = createSqliteBackend({ appId, path });
    try {
      const records = makeRecords(500);
      await backend.orchestrator.register({ invocations: records, runnerId: "client", now: Date.now() });
      const claimers = [startClaimer(path, appId, "runner-a"), startClaimer(path, appId, "runner-b")];
      await Promise.all(claimers.map((c) => c.ready));
      for (const c of claimers) c.go();
      const [a, b] = await Promise.all(claimers.map((c) => c.result));
      if (!a || !b) throw new Error("missing claimer result");
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      const all = [...a, ...b];
      expect(new Set(all).size).toBe(all.length);
      expect(sorted(all)).toEqual(sorted(records.map((r) => r.invocationId)));
      const statuses = await backend.orchestrator.getStatuses(all);
      const owners = new Map<string, string>();
      for (const id of a) owners.set(id, "runner-a");
      for (const id of b) owners.set(id, "runner-b");
      for (const id of all) {
        expect(statuses.get(id)?.status).toBe(S.SUCCESS);
        const history = await backend.stateBackend.getHistory(id);
        expect(history.map((h) => h.status)).toEqual([S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
        expect(history[1]?.runnerId).toBe(owners.get(id));
        expect((await backend.stateBackend.getOutcome(id)).result).toBe(JSON.stringify(owners.get(id)));
      }
      expect(await backend.broker.size()).toBe(0);
    } finally {
      await backend.close();
    }
  }, 60_000);

  it("wakes waitForWork when another process queues work", async () => {
    const path = join(dir, "wake.db");
    const appId = "multiprocess-wake";
    const backend = createSqliteBackend({ appId, path });
    try {
      const registrar = startClaimer(path, appId, "registrar", "register");
      await registrar.ready;
      const started = performance.now();
      const waiting = backend.broker.waitForWork(20_000).then(() => performance.now() - started);
      registrar.go();
      const [id] = await registrar.result;
      expect(await waiting).toBeLessThan(5_000);
      expect(id).toBeDefined();
      expect(await backend.broker.size()).toBe(1);
    } finally {
      await backend.close();
    }
  }, 60_000);

  it("notifies onFinal of invocations another process completes, each once", async () => {
    const path = join(dir, "final.db");
    const appId = "multiprocess-final";
    const backend = createSqliteBackend({ appId, path });
    try {
      const records = makeRecords(50);
      await backend.orchestrator.register({ invocations: records, runnerId: "client", now: Date.now() });
      const seen: string[] = [];
      let allSeen: () => void = () => {};
      const fifty = new Promise<void>((resolve) => {
        allSeen = resolve;
      });
      const unsubscribe = backend.orchestrator.onFinal((ids) => {
        seen.push(...ids);
        if (seen.length >= 50) allSeen();
      });
      const claimer = startClaimer(path, appId, "runner-c", "claim-alone");
      await claimer.ready;
      claimer.go();
      expect(await claimer.result).toHaveLength(50);
      await within(fifty, 5_000, "onFinal of the 50 invocations").catch(() => {}); // compared below
      unsubscribe();
      expect(sorted(seen)).toEqual(sorted(records.map((r) => r.invocationId)));
    } finally {
      await backend.close();
    }
  }, 60_000);
});
