import { describe, expect, it } from "vitest";
import { SerializationError } from "../../src/errors/errors.js";
import { createSerializer } from "../../src/serializer/index.js";

const json = createSerializer("json");

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SerializationError);
    return (error as Error).message;
  }
  throw new Error("expected a SerializationError");
}

describe("tagged JSON: refusals name the path", () => {
  it("refuses functions and symbols", () => {
    const value = { items: [0, 1, { callback: () => 1 }] };
    expect(messageOf(() => json.serialize(value))).toBe(
      "value.items[2].callback: functions cannot be serialized",
    );
    expect(messageOf(() => json.serialize(Symbol("s")))).toBe("value: symbols cannot be serialized");
    expect(messageOf(() => json.serialize({ "a b": [Symbol("s")] }))).toBe(
      'value["a b"][0]: symbols cannot be serialized',
    );
  });

  it("names paths inside maps, sets and error props", () => {
    expect(messageOf(() => json.serialize(new Map([["k", () => 1]])))).toBe(
      'value.get("k"): functions cannot be serialized',
    );
    expect(messageOf(() => json.serialize({ s: new Set([1, () => 1]) }))).toBe(
      "value.s.values()[1]: functions cannot be serialized",
    );
    const error = Object.assign(new Error("x"), { handler: () => 1 });
    expect(messageOf(() => json.serialize(error))).toBe("value.handler: functions cannot be serialized");
  });

  it("refuses cycles, naming where they close, but accepts repeated references", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.child = { back: a };
    expect(messageOf(() => json.serialize({ root: a }))).toBe(
      "value.root.child.back: circular reference (back to value.root)",
    );
    const arr: unknown[] = [];
    arr.push(arr);
    expect(messageOf(() => json.serialize(arr))).toBe("value[0]: circular reference (back to value)");
  });

  it("refuses promises and weak collections", () => {
    expect(messageOf(() => json.serialize({ p: Promise.resolve(1) }))).toMatch(/^value\.p: promises cannot/);
    expect(messageOf(() => json.serialize(new WeakMap()))).toBe("value: WeakMap cannot be serialized");
    expect(messageOf(() => json.serialize(new WeakSet()))).toBe("value: WeakSet cannot be serialized");
  });

  it("refuses unknown tags and malformed envelopes on deserialize", () => {
    expect(messageOf(() => json.deserialize('{"a":[{"__tsnenc__":"nope"}]}'))).toBe(
      'value.a[0]: unknown envelope tag "nope"',
    );
    expect(messageOf(() => json.deserialize('{"__tsnenc__":"bigint","v":"1.5"}'))).toMatch(
      /malformed "bigint"/,
    );
    expect(messageOf(() => json.deserialize("{nope"))).toMatch(/invalid JSON/);
  });

  it("stays usable after a failure", () => {
    expect(() => json.serialize({ f: () => 1 })).toThrow(SerializationError);
    expect(json.serialize({ ok: [1] })).toBe('{"ok":[1]}');
  });
});

describe("tagged JSON: hostile and foreign values", () => {
  it("wraps a throwing getter with its path", () => {
    const value = {
      a: {
        get b(): unknown {
          throw new Error("getter exploded");
        },
      },
    };
    expect(messageOf(() => json.serialize(value))).toBe(
      "value.a.b: reading the property threw: getter exploded",
    );
  });

  it("accepts plain objects and arrays from another realm", async () => {
    const { runInNewContext } = await import("node:vm");
    const foreign = runInNewContext('({ a: [1, { b: "x" }], c: null })') as unknown;
    expect(json.serialize(foreign)).toBe('{"a":[1,{"b":"x"}],"c":null}');
  });
});
