import { describe, expect, it } from "vitest";
import { SerializationError } from "../../src/errors/errors.js";
import { createSerializer } from "../../src/serializer/index.js";

const v8 = createSerializer("v8");

describe("v8 serializer", () => {
  it("round-trips structured-clone values through base64", () => {
    const value = { m: new Map([[1, new Set([2n])]]), d: new Date(3), u: undefined, b: Buffer.from("x") };
    const text = v8.serialize(value);
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(v8.deserialize(text)).toEqual(value);
    expect(v8.name).toBe("v8");
  });

  it("refuses functions and symbols naming the path", () => {
    expect(() => v8.serialize({ a: [1, { fn: () => 1 }] })).toThrow(
      new SerializationError("value.a[1].fn: functions cannot be serialized"),
    );
    expect(() => v8.serialize({ s: Symbol("x") })).toThrow(/value\.s: symbols cannot be serialized/);
  });

  it("wraps garbage input", () => {
    expect(() => v8.deserialize("!!!not-base64")).toThrow(SerializationError);
  });
});
