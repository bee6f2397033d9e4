import { describe, expect, it } from "vitest";
import { type BackendFactory, useBackend } from "./fixtures.js";

export function describeClientDataStore(factory: BackendFactory): void {
  describe("clientDataStore", () => {
    const h = useBackend(factory);

    it("returns what was put, and null for an unknown key", async () => {
      const store = h.backend.clientDataStore;
      await store.put("key-1", '{"a":1}');
      await store.put("key-2", "");
      expect(await store.get("key-1")).toBe('{"a":1}');
      expect(await store.get("key-2")).toBe("");
      expect(await store.get("key-unknown")).toBeNull();
    });

    it("treats a second put of a stored key as a no-op", async () => {
      const store = h.backend.clientDataStore;
      await store.put("key", "first");
      await store.put("key", "first");
      expect(await store.get("key")).toBe("first");
      await store.put("key", "second");
      expect(await store.get("key")).toBe("first");
    });

    it("accepts 20 concurrent puts of one key", async () => {
      const store = h.backend.clientDataStore;
      await Promise.all(Array.from({ length: 20 }, () => store.put("shared", "value")));
      expect(await store.get("shared")).toBe("value");
    });

    it("round-trips a large value and unicode exactly", async () => {
      const store = h.backend.clientDataStore;
      const large = "x".repeat(2 * 1024 * 1024);
      const unicode = JSON.stringify({ text: "héllo ✓ 日本 🎉", nul: "\u0000", quote: "'\"" });
      await store.put("large", large);
      await store.put("unicode", unicode);
      expect((await store.get("large"))?.length).toBe(large.length);
      expect(await store.get("large")).toBe(large);
      expect(await store.get("unicode")).toBe(unicode);
    });

    it("purges every key", async () => {
      const store = h.backend.clientDataStore;
      await store.put("a", "1");
      await store.put("b", "2");
      await store.purge();
      expect(await store.get("a")).toBeNull();
      expect(await store.get("b")).toBeNull();
      await store.put("a", "3");
      expect(await store.get("a")).toBe("3");
    });
  });
}
