import { describe, expect, it } from "vitest";
import { RetryError, SerializationError, TaskNotFoundError, TsnencError } from "../../src/index.js";
import { expectAllHistoriesValid, startRunner, useTestApps } from "../helpers/app.js";

const app = useTestApps();

class PaymentDeclined extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = "PaymentDeclined";
  }
}
class Flaky extends Error {
  override name = "Flaky";
}

describe("retries", () => {
  it("retries then succeeds: numRetries() is 1 and history shows RETRY", async () => {
    const a = app();
    let attempts = 0;
    const flaky = a.task(
      "flaky",
      async () => {
        attempts++;
        if (attempts === 1) throw new Flaky("first attempt fails");
        return "ok";
      },
      { maxRetries: 2, retryFor: [Flaky] },
    );
    const r = startRunner(a);
    const inv = await flaky();
    expect(await inv.result()).toBe("ok");
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
    await r.stop();
  });

  it("RetryError is always retriable; exhausted retries fail with the last error", async () => {
    const a = app();
    const always = a.task(
      "always",
      async () => {
        throw new RetryError("again");
      },
      { maxRetries: 2 },
    );
    const r = startRunner(a);
    const inv = await always();
    await expect(inv.result()).rejects.toMatchObject({ name: "RetryError", message: "again" });
    expect(await inv.numRetries()).toBe(2);
    expect((await inv.history()).filter((h) => h.status === "RETRY")).toHaveLength(2);
    await r.stop();
    await expectAllHistoriesValid(a);
  });

  it("errors not in retryFor fail at once", async () => {
    const a = app();
    const task = a.task(
      "t",
      async () => {
        throw new TypeError("bad");
      },
      { maxRetries: 3, retryFor: [Flaky] },
    );
    const r = startRunner(a);
    const inv = await task();
    await expect(inv.result()).rejects.toBeInstanceOf(TypeError);
    expect(await inv.numRetries()).toBe(0);
    await r.stop();
  });

  it("exponential backoff delays each retry longer", async () => {
    const a = app();
    const times: number[] = [];
    const task = a.task(
      "t",
      async () => {
        times.push(Date.now());
        if (times.length < 3) throw new RetryError("later");
        return times.length;
      },
      { maxRetries: 3, retryDelayMs: 40, retryBackoffFactor: 2 },
    );
    const r = startRunner(a, { maxConcurrency: 2 });
    expect(await task().result()).toBe(3);
    const [t0 = 0, t1 = 0, t2 = 0] = times;
    expect(t1 - t0).toBeGreaterThanOrEqual(35);
    expect(t2 - t1).toBeGreaterThanOrEqual(75);
    await r.stop();
  });
});

describe("errors across the boundary", () => {
  it("a custom error's name and message reach the caller; its class and props when the app knows it", async () => {
    const worker = app();
    const charge = worker.task("charge", async (amount: number) => {
      throw new PaymentDeclined(`declined ${amount}`, 402);
    });
    const r = startRunner(worker);
    // A client app instance of the same app id that does not know the class: same name and message.
    const client = app({ appId: worker.appId });
    const clientCharge = client.task("charge", async (_amount: number): Promise<never> => {
      throw new Error("never runs here");
    });
    const error = await clientCharge(10)
      .result()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "PaymentDeclined", message: "declined 10", code: 402 });
    expect(error).not.toBeInstanceOf(PaymentDeclined);
    // Once registered, the same class comes back.
    client.registerErrorClasses(PaymentDeclined);
    const known = await clientCharge(11)
      .result()
      .catch((e: unknown) => e);
    expect(known).toBeInstanceOf(PaymentDeclined);
    expect((known as PaymentDeclined).code).toBe(402);
    expect((known as PaymentDeclined).message).toBe("declined 11");
    await r.stop();
    void charge;
  });

  it("an argument that cannot be serialized is refused at call time, naming task and argument; nothing is registered", async () => {
    const a = app();
    const task = a.task("store", async (_x: unknown, _y: unknown) => 1);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const fnError = await Promise.resolve(task(1, () => 1)).catch((e: unknown) => e);
    expect(fnError).toBeInstanceOf(SerializationError);
    expect(String((fnError as Error).message)).toMatch(/task 'store'.*argument 1/);
    const circularError = await Promise.resolve(task(circular, 2)).catch((e: unknown) => e);
    expect(circularError).toBeInstanceOf(SerializationError);
    expect(String((circularError as Error).message)).toMatch(/task 'store'.*argument 0/);
    await expect(task(1, () => 1).result()).rejects.toBeInstanceOf(SerializationError);
    expect(await a.backend.orchestrator.listInvocations({ limit: 10, offset: 0 })).toEqual([]);
  });

  it("an unknown task id reaching a runner fails that invocation with a clear error; the runner goes on", async () => {
    const runnerApp = app();
    const ok = runnerApp.task("ok", async () => "fine");
    const client = app({ appId: runnerApp.appId });
    const ghost = client.task("ghost", async () => "never");
    const r = startRunner(runnerApp);
    const inv = await ghost();
    const error = await inv.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect((error as Error).message).toMatch(/task 'ghost'.*not registered/);
    expect(await inv.status()).toBe("FAILED");
    expect(await ok().result()).toBe("fine");
    expect(r.runner.isRunning).toBe(true);
    await r.stop();
  });

  it("TsnencError subclasses are rebuilt as their class", async () => {
    const a = app();
    const task = a.task("t", async () => {
      throw new TsnencError("inner");
    });
    const r = startRunner(a);
    await expect(task().result()).rejects.toBeInstanceOf(TsnencError);
    await r.stop();
  });
});
