import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CLIENT_DATA_PREFIX,
  ClientDataCodec,
  clientDataKey,
  isClientDataReference,
} from "../../src/client-data/index.js";
import { SerializationError } from "../../src/errors/errors.js";
import { createSerializer } from "../../src/serializer/index.js";
import { REFERENCE, sized, useCodec } from "./helpers.js";

const json = createSerializer("json");

describe("client data codec: size policy", () => {
  const make = useCodec();

  it("keeps text shorter than minSizeToCache inline", async () => {
    const { codec, store } = make();
    const value = sized(1023);
    const text = await codec.serialize(value);
    expect(text).toBe(JSON.stringify(value));
    expect(text).toHaveLength(1023);
    expect(store.puts).toEqual([]);
    expect(await codec.deserialize(text)).toBe(value);
  });

  it("stores text at or above the threshold under prefix + sha256 hex", async () => {
    const { codec, store, backend } = make();
    for (const length of [1024, 1025, 5000]) {
      const value = { list: "a".repeat(length - 11) }; // {"list":""} is 11 characters
      const serialized = json.serialize(value);
      expect(serialized).toHaveLength(length);
      const key = await codec.serialize(value);
      expect(key).toMatch(REFERENCE);
      const digest = createHash("sha256").update(Buffer.from(serialized, "utf8")).digest("hex");
      expect(key).toBe(`__tsnenc__client_data__:${digest}`);
      expect(await backend.clientDataStore.get(key)).toBe(serialized);
      expect(await codec.deserialize(key)).toEqual(value);
    }
    expect(store.puts).toHaveLength(3);
  });

  it("hashes the UTF-8 bytes of non-ASCII text", async () => {
    const { codec } = make();
    const value = "日本🎉é".repeat(400);
    const expected = createHash("sha256")
      .update(Buffer.from(JSON.stringify(value), "utf8"))
      .digest("hex");
    expect(await codec.serialize(value)).toBe(CLIENT_DATA_PREFIX + expected);
  });

  it("gives the same key to the same content and puts it once per batch", async () => {
    const { codec, store, backend } = make();
    const keys = await Promise.all(Array.from({ length: 10 }, () => codec.serialize({ s: sized(3000) })));
    expect(new Set(keys).size).toBe(1);
    expect(store.puts).toHaveLength(1);
    expect(await codec.serialize({ s: sized(3000) })).toBe(keys[0]);
    expect(await backend.clientDataStore.get(keys[0] ?? "")).toBe(json.serialize({ s: sized(3000) }));
  });

  it("round-trips a 20 MB value, stored once", async () => {
    const { codec, store, backend, warnings } = make();
    const big = "x".repeat(20 * 1024 * 1024);
    const keys = await Promise.all([codec.serialize(big), codec.serialize(big), codec.serialize(big)]);
    const key = keys[0] ?? "";
    expect(key).toMatch(REFERENCE);
    expect(keys).toEqual([key, key, key]);
    expect(store.puts).toEqual([key]);
    expect((await backend.clientDataStore.get(key))?.length).toBe(big.length + 2);
    codec.clearLocalCache();
    expect(await codec.deserialize(key)).toBe(big);
    expect(store.gets).toEqual([key]);
    expect(warnings).toHaveLength(3); // over the 10 MiB warning threshold, once per serialize
  });

  it("passes a reference through unchanged", async () => {
    const { codec, store } = make();
    const key = await codec.serialize(sized(2000));
    expect(await codec.serialize(key)).toBe(key);
    expect(await codec.externalize(key)).toBe(key);
    expect(store.puts).toHaveLength(1);
    expect(isClientDataReference(key)).toBe(true);
    expect(isClientDataReference(JSON.stringify(key))).toBe(false);
  });

  it("never produces inline text that looks like a reference", async () => {
    const { codec } = make({ disableClientDataStore: true });
    const reference = clientDataKey("x");
    const inline = await codec.serialize(reference);
    expect(inline).toBe(JSON.stringify(reference));
    expect(isClientDataReference(inline)).toBe(false);
    expect(await codec.deserialize(inline)).toBe(reference);
    for (const value of [undefined, null, 1, -1, "s", [1], { a: 1 }, true, new Date(0), 1n, Number.NaN]) {
      expect(isClientDataReference(json.serialize(value))).toBe(false);
      expect(isClientDataReference(createSerializer("v8").serialize(value))).toBe(false);
    }
  });

  it("refuses a serializer whose output starts with the prefix", async () => {
    const { store } = make();
    const codec = new ClientDataCodec({
      serializer: { name: "odd", serialize: () => `${CLIENT_DATA_PREFIX}x`, deserialize: (t) => t },
      store,
      settings: () => ({
        minSizeToCache: 0,
        maxSizeToCache: 0,
        localCacheSize: 1,
        disableClientDataStore: false,
      }),
    });
    await expect(codec.serialize(1)).rejects.toThrow(/serializer 'odd' produced text starting with/);
  });

  it("keeps every value inline when the store is disabled or disableCache is set", async () => {
    const disabled = make({ disableClientDataStore: true });
    const value = sized(5000);
    expect(await disabled.codec.serialize(value)).toBe(JSON.stringify(value));
    expect(disabled.store.puts).toEqual([]);
    const enabled = make();
    expect(await enabled.codec.serialize(value, { disableCache: true })).toBe(JSON.stringify(value));
    expect(await enabled.codec.externalize("x".repeat(5000), { disableCache: true })).toHaveLength(5000);
    expect(enabled.store.puts).toEqual([]);
  });

  it("keeps text over maxSizeToCache inline with a warning", async () => {
    const { codec, store, warnings } = make({ maxSizeToCache: 4000 });
    expect(await codec.serialize(sized(4000))).toMatch(REFERENCE);
    const over = sized(4001);
    expect(await codec.serialize(over, { label: "task 't' result" })).toBe(JSON.stringify(over));
    expect(store.puts).toHaveLength(1);
    expect(warnings).toEqual([
      "client data: task 't' result is 4001 characters serialized, over maxSizeToCache 4000; kept inline",
    ]);
  });

  it("stores text over the warning threshold with a warning", async () => {
    const { codec, store, warnings } = make({ warnThreshold: 3000 });
    expect(await codec.serialize(sized(3000))).toMatch(REFERENCE);
    expect(warnings).toEqual([]);
    const key = await codec.serialize(sized(3001));
    expect(key).toMatch(REFERENCE);
    expect(store.puts).toHaveLength(2);
    expect(warnings).toEqual([
      `client data: value is 3001 characters serialized, over the warning threshold 3000; stored as ${key}`,
    ]);
  });

  it("applies run-time setting changes", async () => {
    const { codec, settings } = make();
    expect(await codec.serialize(sized(100))).toHaveLength(100);
    settings.minSizeToCache = 50;
    expect(await codec.serialize(sized(100))).toMatch(REFERENCE);
  });
});

describe("client data codec: resolving references", () => {
  const make = useCodec();

  it("reports a missing key as a SerializationError naming it", async () => {
    const { codec } = make();
    const key = clientDataKey('"gone"');
    await expect(codec.deserialize(key)).rejects.toThrow(
      new SerializationError(`client data ${key} is missing (purged?)`),
    );
    const stored = await codec.serialize(sized(2000));
    await codec.purge();
    expect(codec.localCacheEntries).toBe(0);
    await expect(codec.deserialize(stored)).rejects.toThrow(/is missing \(purged\?\)/);
  });

  it("serves hits from the local cache, each call getting its own copy", async () => {
    const { codec, store } = make();
    const value = { items: Array.from({ length: 200 }, (_, i) => ({ i })) };
    const key = await codec.serialize(value);
    const first = (await codec.deserialize(key)) as typeof value;
    first.items.length = 0;
    expect(await codec.deserialize(key)).toEqual(value);
    expect(store.gets).toEqual([]);
  });

  it("evicts the least recently used entry beyond localCacheSize", async () => {
    const { codec, store } = make({ localCacheSize: 2 });
    const [a, b, c] = [sized(2000, "a"), sized(2000, "b"), sized(2000, "c")];
    const keyA = await codec.serialize(a);
    const keyB = await codec.serialize(b);
    const keyC = await codec.serialize(c); // evicts a
    expect(codec.localCacheEntries).toBe(2);
    expect(await codec.deserialize(keyB)).toBe(b);
    expect(await codec.deserialize(keyC)).toBe(c);
    expect(store.gets).toEqual([]);
    expect(await codec.deserialize(keyA)).toBe(a); // read from the store, evicts b (oldest)
    expect(store.gets).toEqual([keyA]);
    expect(await codec.deserialize(keyC)).toBe(c);
    expect(await codec.deserialize(keyB)).toBe(b);
    expect(store.gets).toEqual([keyA, keyB]);
  });

  it("refreshes recency on a hit", async () => {
    const { codec, store } = make({ localCacheSize: 2 });
    const keyA = await codec.serialize(sized(2000, "a"));
    const keyB = await codec.serialize(sized(2000, "b"));
    await codec.deserialize(keyA); // a is now the most recent
    await codec.serialize(sized(2000, "c")); // evicts b
    await codec.deserialize(keyA);
    expect(store.gets).toEqual([]);
    await codec.deserialize(keyB);
    expect(store.gets).toEqual([keyB]);
  });

  it("shares one store read among concurrent resolutions of a key", async () => {
    const { codec, store } = make({ localCacheSize: 0 });
    const key = await codec.serialize(sized(2000));
    expect(codec.localCacheEntries).toBe(0);
    const values = await Promise.all([codec.deserialize(key), codec.deserialize(key)]);
    expect(values).toEqual([sized(2000), sized(2000)]);
    expect(store.gets).toEqual([key]);
  });

  it("returns inline text from resolve unchanged", async () => {
    const { codec } = make();
    expect(await codec.resolve('{"a":1}')).toBe('{"a":1}');
    expect(await codec.deserialize('{"a":1}')).toEqual({ a: 1 });
  });
});
