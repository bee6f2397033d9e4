import { describe, expect, it } from "vitest";
import {
  DuplicateTaskError,
  InvalidTaskOptionsError,
  RetryError,
  SerializationError,
  TsnencBuilder,
} from "../../src/index.js";
import { useTestApps } from "../helpers/app.js";

const app = useTestApps();

describe("task definition", () => {
  it("refuses duplicate ids and invalid options, naming the task and option", () => {
    const a = app();
    a.task("add", async (x: number) => x);
    expect(() => a.task("add", async () => 1)).toThrow(DuplicateTaskError);
    expect(() => a.task("add", async () => 1)).toThrow(/task 'add'/);
    expect(() => a.task("bad", async () => 1, { maxRetries: -1 })).toThrow(InvalidTaskOptionsError);
    expect(() => a.task("bad", async () => 1, { maxRetries: -1 })).toThrow(/task 'bad'.*maxRetries/);
    expect(() => a.task("bad2", async () => 1, { nope: true } as never)).toThrow(/bad2.*nope/);
    expect(() => a.task("", async () => 1)).toThrow(InvalidTaskOptionsError);
    expect(() => a.task("bad3", async () => 1, { retryFor: ["NoSuchError"] })).toThrow(/bad3.*NoSuchError/);
    expect(a.getTask("add")?.taskId).toBe("add");
    expect([...a.tasks.keys()]).toEqual(["add"]);
  });

  it("task options are the lowest explicit source: env beats them, per task", () => {
    const a = app({}, { TSNENC__TASK__SHOP_ADD__MAX_RETRIES: "5" });
    const t = a.task("shop.add", async () => 1, { maxRetries: 1 });
    expect(t.conf.maxRetries).toBe(5);
    expect(t.options.maxRetries).toBe(1);
    t.conf.maxRetries = 2;
    expect(t.conf.maxRetries).toBe(2);
  });

  it("TsnencBuilder builds an app from fluent config", () => {
    const built = new TsnencBuilder()
      .appId("shop")
      .memory()
      .asyncRunner({ maxConcurrency: 12 })
      .logging({ level: "error" })
      .environment({ env: {} })
      .build();
    void built.close();
    expect(built.appId).toBe("shop");
    expect(built.conf.maxConcurrency).toBe(12);
    expect(built.conf.backend).toBe("memory");
    expect(built.conf.sourceOf("maxConcurrency").tier).toBe("code");
  });
});

describe("dev mode", () => {
  it("devModeForceSyncTasks runs tasks inline, with retries, and result() needs no runner", async () => {
    const a = app({ devModeForceSyncTasks: true });
    let attempts = 0;
    const flaky = a.task(
      "flaky",
      async (x: number) => {
        attempts++;
        if (attempts < 2) throw new RetryError("once more");
        return x + 1;
      },
      { maxRetries: 2 },
    );
    const inv = await flaky(1);
    expect(await inv.result()).toBe(2);
    expect(await inv.numRetries()).toBe(1);
    expect((await inv.history()).map((h) => h.status)).toEqual([
      "REGISTERED",
      "PENDING",
      "RUNNING",
      "RETRY",
      "PENDING",
      "RUNNING",
      "SUCCESS",
    ]);
    expect(await a.backend.orchestrator.listInvocations({ limit: 5, offset: 0 })).toEqual([]);
  });

  it("is enabled by TSNENC__DEV_MODE_FORCE_SYNC_TASKS=true, and nested calls run inline too", async () => {
    const a = app({}, { TSNENC__DEV_MODE_FORCE_SYNC_TASKS: "true" });
    const add = a.task("add", async (x: number, y: number) => x + y);
    const sum = a.task("sum", async (xs: number[]) => {
      let total = 0;
      for (const x of xs) total = await add(total, x).result();
      return total;
    });
    expect(await sum([1, 2, 3]).result()).toBe(6);
    const group = await add.parallelize([
      [1, 1],
      [2, 2],
    ]);
    expect(await group.all()).toEqual([2, 4]);
  });

  it("still refuses arguments that cannot be serialized, and reports task errors", async () => {
    const a = app({ devModeForceSyncTasks: true });
    const t = a.task("t", async (_f: unknown) => {
      throw new TypeError("boom");
    });
    await expect(t(() => 1).result()).rejects.toBeInstanceOf(SerializationError);
    await expect(t(1).result()).rejects.toThrow("boom");
  });

  it("can be switched at run time", async () => {
    const a = app();
    const t = a.task("t", async () => "inline");
    a.conf.devModeForceSyncTasks = true;
    expect(await t().result()).toBe("inline");
  });
});
