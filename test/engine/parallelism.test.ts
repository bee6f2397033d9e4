import { describe, expect, it } from "vitest";
import { TaskParallelProcessingError } from "../../src/index.js";
import { startRunner, useTestApps } from "../helpers/app.js";

const app = useTestApps();
const PREFIX = "__tsnenc__client_data__:";

interface Job {
  table: number[];
  index: number;
}

describe("parallelize with commonArgs", () => {
  it("merges commonArgs into each call's object argument; a large commonArgs is stored once and referenced", async () => {
    const a = app();
    const pick = a.task("pick", async (job: Job) => (job.table[job.index] ?? -1) * 2);
    const table = Array.from({ length: 20_000 }, (_, i) => i);
    const group = await pick.parallelize(
      Array.from({ length: 50 }, (_, index) => [{ index }] as [Partial<Job>]),
      { commonArgs: { table } },
    );
    const records = await Promise.all(
      group.invocations.map((inv) => a.backend.stateBackend.getInvocation(inv.invocationId)),
    );
    const refs = new Set(records.map((r) => r?.args.common));
    expect(refs.size).toBe(1);
    expect([...refs][0]?.startsWith(PREFIX)).toBe(true);
    expect(records.every((r) => (r?.args["0"]?.length ?? 1000) < 20)).toBe(true);
    const r = startRunner(a);
    expect(await group.all()).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    await r.stop();
  });

  it("registers in batches of parallelBatchSize, one backend call per batch", async () => {
    const a = app({ parallelBatchSize: 7 });
    const t = a.task("t", async (x: number) => x);
    const original = a.backend.orchestrator.register.bind(a.backend.orchestrator);
    const sizes: number[] = [];
    a.backend.orchestrator.register = async (request) => {
      sizes.push(request.invocations.length);
      return original(request);
    };
    await t.parallelize(Array.from({ length: 20 }, (_, i) => [i] as [number]));
    expect(sizes).toEqual([7, 7, 6]);
  });

  it("refuses commonArgs for entries that are not [object], naming the task", async () => {
    const a = app();
    const t = a.task("t", async (_o: { x: number }) => 1);
    await expect(t.parallelize([[{ x: 1 }]], { commonArgs: 5 as never })).rejects.toBeInstanceOf(
      TaskParallelProcessingError,
    );
    await expect(t.parallelize([[1 as never]], { commonArgs: { x: 1 } })).rejects.toThrow(
      /task 't'.*entry 0/,
    );
  });
});

describe("directTask with parallelFunc and aggregateFunc", () => {
  it("splits one call into many invocations and aggregates their results in input order", async () => {
    const a = app();
    const sumSquares = a.directTask("sumSquares", async (xs: number[]) => xs.reduce((s, x) => s + x * x, 0), {
      parallelFunc: (xs: number[]) => [[xs.slice(0, 2)], [xs.slice(2)]] as [number[]][],
      aggregateFunc: (parts: number[]) => parts.reduce((s, p) => s + p, 0),
    });
    const r = startRunner(a);
    expect(await sumSquares([1, 2, 3, 4])).toBe(30);
    expect(
      await a.backend.orchestrator.listInvocations({ taskId: "sumSquares", limit: 10, offset: 0 }),
    ).toHaveLength(2);
    await r.stop();
  });

  it("accepts { commonArgs, argsList } from parallelFunc", async () => {
    const a = app();
    const scale = a.directTask(
      "scale",
      async (job: { factor: number; value: number }) => job.factor * job.value,
      {
        parallelFunc: (job: { factor: number; value: number }) => ({
          commonArgs: { factor: job.factor },
          argsList: [[{ value: job.value }], [{ value: job.value + 1 }]] as [{ value: number }][],
        }),
        aggregateFunc: (parts: number[]) => parts.join(","),
      },
    );
    const r = startRunner(a);
    expect(await scale({ factor: 10, value: 1 })).toBe("10,20");
    await r.stop();
  });

  it("refuses parallelFunc without aggregateFunc at definition", () => {
    const a = app();
    const options = { parallelFunc: (x: number) => [[x]] } as never; // refused by the types too
    expect(() => a.directTask("d", async (x: number) => x, options)).toThrow(/task 'd'.*aggregateFunc/);
  });
});
