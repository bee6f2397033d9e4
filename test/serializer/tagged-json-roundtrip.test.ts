import { describe, expect, it } from "vitest";
import { createSerializer } from "../../src/serializer/index.js";

const json = createSerializer("json");
const roundTrip = (value: unknown): unknown => json.deserialize(json.serialize(value));

describe("tagged JSON: plain data", () => {
  it("is byte-identical to JSON.stringify", () => {
    expect(json.serialize(1)).toBe("1");
    expect(json.serialize("a")).toBe('"a"');
    expect(json.serialize({ x: 1 })).toBe('{"x":1}');
    const samples: unknown[] = [
      null,
      true,
      0,
      -1.5,
      1e21,
      "",
      'ünïcødé \u2028 \u{1F600} \n\t"\\',
      [],
      {},
      [1, "two", [3, { four: 4 }], null],
      { b: 1, a: [true, false], nested: { deep: { deeper: ["x"] } }, "weird key": 1, 10: "n" },
    ];
    for (const sample of samples) expect(json.serialize(sample)).toBe(JSON.stringify(sample));
  });

  it("round-trips plain data and keeps key order", () => {
    const value = { z: 1, a: { y: [1, 2, { q: null }] }, m: "s" };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(Object.keys(back as object)).toEqual(["z", "a", "m"]);
  });

  it("accepts null-prototype objects and shared (non-circular) references", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { k: 1 });
    expect(json.serialize(bare)).toBe('{"k":1}');
    const shared = { v: 1 };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { v: 1 }, b: { v: 1 } });
  });

  it("keeps a __proto__ own key as data, also in copied objects", () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"x":1}') as Record<string, unknown>;
    value.when = new Date(0);
    const back = roundTrip({ wrap: value }) as { wrap: Record<string, unknown> };
    expect(Object.hasOwn(back.wrap, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(back.wrap)).toBe(Object.prototype);
    expect(back.wrap.when).toBeInstanceOf(Date);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("tagged JSON: envelopes", () => {
  it("round-trips undefined everywhere", () => {
    expect(json.serialize(undefined)).toBe('{"__tsnenc__":"undef"}');
    expect(roundTrip(undefined)).toBeUndefined();
    const arr = roundTrip([1, undefined, 3]) as unknown[];
    expect(arr).toHaveLength(3);
    expect(arr[1]).toBeUndefined();
    const obj = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
    expect(Object.keys(obj)).toEqual(["a", "b"]);
    expect(obj.a).toBeUndefined();
  });

  it("round-trips special numbers and bigint", () => {
    expect(roundTrip(Number.NaN)).toBeNaN();
    expect(roundTrip(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(roundTrip(Number.NEGATIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(12345678901234567890123n)).toBe(12345678901234567890123n);
    expect(roundTrip({ n: -5n })).toEqual({ n: -5n });
  });

  it("round-trips dates, including invalid ones", () => {
    const date = new Date("2024-02-29T12:34:56.789Z");
    expect(json.serialize(date)).toBe('{"__tsnenc__":"date","v":"2024-02-29T12:34:56.789Z"}');
    expect(roundTrip(date)).toEqual(date);
    const invalid = roundTrip(new Date(Number.NaN)) as Date;
    expect(invalid).toBeInstanceOf(Date);
    expect(invalid.getTime()).toBeNaN();
  });

  it("round-trips maps with any keys, sets and regexps", () => {
    const map = new Map<unknown, unknown>([
      ["s", 1],
      [2, new Set([1, "x"])],
      [{ k: [1] }, new Date(5)],
    ]);
    const back = roundTrip(map) as Map<unknown, unknown>;
    expect(back).toBeInstanceOf(Map);
    expect([...back.entries()]).toEqual([...map.entries()]);
    const re = roundTrip(/a+b/giu) as RegExp;
    expect(re).toBeInstanceOf(RegExp);
    expect(re.source).toBe("a+b");
    expect(re.flags).toBe("giu");
  });

  it("round-trips binary data", () => {
    const buffer = Buffer.from("hello");
    const backBuffer = roundTrip(buffer);
    expect(Buffer.isBuffer(backBuffer)).toBe(true);
    expect((backBuffer as Buffer).toString()).toBe("hello");
    const f64 = new Float64Array([1.5, -2, Number.NaN]);
    expect(roundTrip(f64)).toEqual(f64);
    const big = new BigInt64Array([1n, -2n]);
    expect(roundTrip(big)).toEqual(big);
    const sub = new Uint16Array(new Uint16Array([1, 2, 3, 4]).buffer, 2, 2);
    expect(Array.from(roundTrip(sub) as Uint16Array)).toEqual([2, 3]);
    const u8 = roundTrip(new Uint8Array([0, 255])) as Uint8Array;
    expect(u8).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(u8)).toBe(false);
    const ab = roundTrip(new Uint8Array([7, 8]).buffer) as ArrayBuffer;
    expect(ab).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(ab)]).toEqual([7, 8]);
    const view = roundTrip(new DataView(new Uint8Array([9]).buffer)) as DataView;
    expect(view.getUint8(0)).toBe(9);
  });

  it("escapes plain objects that use the reserved key", () => {
    const value = { __tsnenc__: "date", v: "2020-01-01T00:00:00.000Z", inner: { __tsnenc__: "undef" } };
    expect(roundTrip(value)).toEqual(value);
    expect(roundTrip([{ __tsnenc__: 1 }])).toEqual([{ __tsnenc__: 1 }]);
  });

  it("only copies what needs envelopes, leaving siblings untouched", () => {
    const value = { a: { b: [1, 2] }, c: [{ d: new Date(0) }], e: "x" };
    expect(json.serialize(value)).toBe(
      '{"a":{"b":[1,2]},"c":[{"d":{"__tsnenc__":"date","v":"1970-01-01T00:00:00.000Z"}}],"e":"x"}',
    );
    expect(value.c[0]?.d).toBeInstanceOf(Date);
  });

  it("unboxes boxed primitives", () => {
    expect(json.serialize([new Number(1), new String("s"), new Boolean(false)])).toBe('[1,"s",false]');
  });
});
