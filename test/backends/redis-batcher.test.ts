/** The group commit of the Redis `ops` script (ScriptBatcher), with a fake `send`. */
import { describe, expect, it } from "vitest";
import { ScriptBatcher } from "../../src/backends/redis/batcher.js";

type Op = { kind: "t" | "c"; n: number };

function fakeBatcher(fail?: (calls: number) => boolean) {
  const calls: Op[][] = [];
  const batcher = new ScriptBatcher<Op, string>(
    async (ops) => {
      calls.push(ops);
      if (fail?.(calls.length)) throw new Error(`call ${calls.length} failed`);
      return ops.map((op) => `${op.kind}${op.n}`);
    },
    (op) => (op.kind === "t" ? 0 : 1),
    (op) => op.kind === "c",
  );
  return { calls, batcher };
}

describe("ScriptBatcher", () => {
  it("sends one turn's requests in one call, status changes before claims", async () => {
    const { calls, batcher } = fakeBatcher();
    const replies = await Promise.all([
      batcher.submit({ kind: "c", n: 1 }),
      batcher.submit({ kind: "t", n: 1 }),
      batcher.submit({ kind: "t", n: 2 }),
    ]);
    expect(replies).toEqual(["c1", "t1", "t2"]);
    expect(calls).toEqual([
      [
        { kind: "t", n: 1 },
        { kind: "t", n: 2 },
        { kind: "c", n: 1 },
      ],
    ]);
  });

  it("ends a call after each claim, so two claims are answered apart", async () => {
    const { calls, batcher } = fakeBatcher();
    await Promise.all([
      batcher.submit({ kind: "c", n: 1 }),
      batcher.submit({ kind: "t", n: 1 }),
      batcher.submit({ kind: "c", n: 2 }),
    ]);
    expect(calls).toEqual([
      [
        { kind: "t", n: 1 },
        { kind: "c", n: 1 },
      ],
      [{ kind: "c", n: 2 }],
    ]);
  });

  it("a failed call rejects its own requests only", async () => {
    const { batcher } = fakeBatcher((call) => call === 1);
    const [first, second] = await Promise.allSettled([
      batcher.submit({ kind: "c", n: 1 }),
      batcher.submit({ kind: "c", n: 2 }),
    ]);
    expect(first.status).toBe("rejected");
    expect(second).toEqual({ status: "fulfilled", value: "c2" });
  });

  it("requests of a later turn go in a later call", async () => {
    const { calls, batcher } = fakeBatcher();
    await batcher.submit({ kind: "t", n: 1 });
    await batcher.submit({ kind: "t", n: 2 });
    expect(calls).toHaveLength(2);
  });
});
