import { describe, expect, it } from "vitest";
import { startRunner, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const PREFIX = "__tsnenc__client_data__:";

describe("client data store through the engine", () => {
  it("a 20 MB argument and a 20 MB result round-trip; the stored call and result hold references", async () => {
    const a = app();
    const big = "x".repeat(20 * 1024 * 1024);
    const echo = a.task(
      "echo",
      async (value: string, suffix: string) => `${value.slice(0, 10)}|${value.length}|${value}${suffix}`,
    );
    const r = startRunner(a);
    const inv = await echo(big, "!");
    const record = await a.backend.stateBackend.getInvocation(inv.invocationId);
    expect(record?.args["0"]?.startsWith(PREFIX)).toBe(true);
    expect(record?.args["0"]?.length).toBeLessThan(200);
    expect(record?.args["1"]).toBe('"!"');
    const result = await inv.result();
    expect(result).toBe(`xxxxxxxxxx|${big.length}|${big}!`);
    expect(result.endsWith("x!")).toBe(true);
    const outcome = await a.backend.stateBackend.getOutcome(inv.invocationId);
    expect(outcome.result?.startsWith(PREFIX)).toBe(true);
    await r.stop();
  });

  it("equal large arguments are stored once; disableCacheArgs keeps them inline", async () => {
    const a = app({ minSizeToCache: 100 });
    const t = a.task("t", async (_v: string) => 1);
    const inline = a.task("inline", async (_v: string) => 1, { disableCacheArgs: ["0"] });
    const value = "y".repeat(500);
    const [one, two] = await Promise.all([t(value), t(value)]);
    const [r1, r2] = await Promise.all([
      a.backend.stateBackend.getInvocation(one?.invocationId ?? ""),
      a.backend.stateBackend.getInvocation(two?.invocationId ?? ""),
    ]);
    expect(r1?.args["0"]).toBe(r2?.args["0"]);
    expect(r1?.args["0"]?.startsWith(PREFIX)).toBe(true);
    const kept = await a.backend.stateBackend.getInvocation((await inline(value)).invocationId);
    expect(kept?.args["0"]).toBe(JSON.stringify(value));
  });

  it("a large error round-trips through the store", async () => {
    const a = app({ minSizeToCache: 100 });
    const t = a.task("t", async () => {
      throw new Error("e".repeat(1000));
    });
    const r = startRunner(a);
    const inv = await t();
    await expect(inv.result()).rejects.toThrow("e".repeat(1000));
    expect((await a.backend.stateBackend.getOutcome(inv.invocationId)).error?.startsWith(PREFIX)).toBe(true);
    await r.stop();
  });
});
