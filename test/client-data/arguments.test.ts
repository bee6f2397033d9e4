import { describe, expect, it } from "vitest";
import type { ClientDataStore } from "../../src/backends/contract/client-data-store.js";
import { ClientDataCodec, clientDataKey } from "../../src/client-data/index.js";
import { SerializationError } from "../../src/errors/errors.js";
import { createSerializer } from "../../src/serializer/index.js";
import { REFERENCE, sized, useCodec } from "./helpers.js";

describe("client data codec: arguments", () => {
  const make = useCodec();
  const big = sized(2000);

  it("keys arguments by position and round-trips them", async () => {
    const { codec, store } = make();
    const args = [1, big, { d: new Date(5) }, big];
    const serialized = await codec.serializeArguments("t", args, []);
    expect(Object.keys(serialized)).toEqual(["0", "1", "2", "3"]);
    expect(serialized["0"]).toBe("1");
    expect(serialized["1"]).toMatch(REFERENCE);
    expect(serialized["3"]).toBe(serialized["1"]);
    expect(store.puts).toHaveLength(1);
    expect(await codec.deserializeArguments("t", serialized)).toEqual(args);
  });

  it("orders by numeric key", async () => {
    const { codec } = make();
    const args = Array.from({ length: 12 }, (_, i) => i);
    const serialized = await codec.serializeArguments("t", args, []);
    const shuffled = Object.fromEntries(Object.entries(serialized).reverse());
    expect(await codec.deserializeArguments("t", shuffled)).toEqual(args);
  });

  it("keeps the arguments named in disableCacheArgs inline", async () => {
    const { codec, store } = make();
    const one = await codec.serializeArguments("t", [big, big], ["0"]);
    expect(one["0"]).toBe(JSON.stringify(big));
    expect(one["1"]).toMatch(REFERENCE);
    const all = await codec.serializeArguments("t", [big, big], ["*"]);
    expect(all).toEqual({ "0": JSON.stringify(big), "1": JSON.stringify(big) });
    expect(store.puts).toHaveLength(1);
  });

  it("keeps all arguments inline when the store is disabled", async () => {
    const { codec, store } = make({ disableClientDataStore: true });
    expect(await codec.serializeArguments("t", [big], [])).toEqual({ "0": JSON.stringify(big) });
    expect(store.puts).toEqual([]);
  });

  it("names the task and the argument that cannot be serialized", async () => {
    const { codec, store } = make();
    const attempt = codec.serializeArguments("shop.add", [big, { cb: () => 1 }, Symbol("s")], []);
    await expect(attempt).rejects.toThrow(
      new SerializationError(
        "task 'shop.add': argument 1 cannot be serialized: value.cb: functions cannot be serialized",
      ),
    );
    expect(store.puts).toEqual([]); // nothing stored for a refused call
  });

  it("names the task and the argument that cannot be deserialized", async () => {
    const { codec } = make();
    const missing = clientDataKey('"gone"');
    await expect(codec.deserializeArguments("shop.add", { "0": "1", "1": missing })).rejects.toThrow(
      new SerializationError(
        `task 'shop.add': argument 1 cannot be deserialized: client data ${missing} is missing (purged?)`,
      ),
    );
    await expect(codec.deserializeArguments("shop.add", { "0": "{oops", "1": "2" })).rejects.toThrow(
      /^task 'shop\.add': argument 0 cannot be deserialized: invalid JSON/,
    );
  });

  it("lets store failures through unwrapped", async () => {
    const failure = new Error("connection reset");
    const store: ClientDataStore = {
      put: async () => {
        throw failure;
      },
      get: async () => {
        throw failure;
      },
      purge: async () => {},
    };
    const codec = new ClientDataCodec({
      serializer: createSerializer("json"),
      store,
      settings: () => ({
        minSizeToCache: 10,
        maxSizeToCache: 0,
        localCacheSize: 4,
        disableClientDataStore: false,
      }),
    });
    await expect(codec.serializeArguments("t", [big], [])).rejects.toBe(failure);
    await expect(codec.deserializeArguments("t", { "0": clientDataKey("x") })).rejects.toBe(failure);
    await expect(codec.serializeArguments("t", [big], [])).rejects.toBe(failure); // not stuck in flight
  });
});
