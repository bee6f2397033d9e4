import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TsnencError } from "../../src/errors/errors.js";
import { callIdOf, compareCodePoints, computeArgsId, parseCallId } from "../../src/identity/args-id.js";
import { createSerializer } from "../../src/serializer/index.js";

const sha = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

describe("computeArgsId", () => {
  it("matches pynenc's test vectors", () => {
    expect(computeArgsId({ a: "1", b: "2" })).toBe(
      "1e5ef12f60039e169e9e08116b63519f6519aea7b31d4ef842e42deba3b13cce",
    );
    expect(computeArgsId({ x: "1", y: "2" })).toBe(
      "6857a49047834b235f1ef33fb59313f9c8c8f7f8b7756a1b2bbd5597e690a1cc",
    );
  });

  it("matches add(1, 2) serialized with the json serializer", () => {
    const json = createSerializer("json");
    expect(computeArgsId({ x: json.serialize(1), y: json.serialize(2) })).toBe(
      "6857a49047834b235f1ef33fb59313f9c8c8f7f8b7756a1b2bbd5597e690a1cc",
    );
  });

  it("is no_args for no arguments", () => {
    expect(computeArgsId({})).toBe("no_args");
  });

  it("does not depend on insertion order", () => {
    expect(computeArgsId({ b: "2", a: "1" })).toBe(computeArgsId({ a: "1", b: "2" }));
  });

  it("has no delimiter collisions", () => {
    expect(computeArgsId({ a: "1;b=2" })).not.toBe(computeArgsId({ a: "1", b: "2" }));
    expect(computeArgsId({ "a=1;b": "2" })).not.toBe(computeArgsId({ a: "1", b: "2" }));
    expect(computeArgsId({ a: '1";"b"="2' })).not.toBe(computeArgsId({ a: "1", b: "2" }));
  });

  it("escapes like Python json.dumps(ensure_ascii=False): raw unicode, escaped controls", () => {
    expect(computeArgsId({ ключ: "é\u{1F600}" })).toBe(sha('"ключ"="é\u{1F600}";'));
    expect(computeArgsId({ k: 'q"\\\n\u0001\u007f' })).toBe(sha('"k"="q\\"\\\\\\n\\u0001\u007f";'));
  });

  it("writes lone surrogates as escapes (pynenc would fail to encode them)", () => {
    expect(computeArgsId({ k: "\ud800" })).toBe(sha('"k"="\\ud800";'));
  });

  it("sorts keys by code point, not UTF-16 unit", () => {
    const bmp = "\uFFFF";
    const astral = "\u{10000}";
    expect([astral, bmp].sort()).toEqual([astral, bmp]); // UTF-16 order
    expect([astral, bmp].sort(compareCodePoints)).toEqual([bmp, astral]);
    const expected = sha(`"${bmp}"="1";"${astral}"="2";`);
    expect(computeArgsId({ [astral]: "2", [bmp]: "1" })).toBe(expected);
    expect(computeArgsId({ [bmp]: "1", [astral]: "2" })).toBe(expected);
  });

  it("orders code points consistently with codePointAt", () => {
    const samples = [
      "",
      "a",
      "ab",
      "\uE000",
      "\uFFFF",
      "\u{10000}",
      "\u{10FFFF}",
      "\u{1F600}x",
      "b",
      "\u00e9",
    ];
    const byCodePoints = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0) ?? 0);
    const reference = [...samples].sort((x, y) => {
      const a = byCodePoints(x);
      const b = byCodePoints(y);
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
      }
      return a.length - b.length;
    });
    expect([...samples].sort(compareCodePoints)).toEqual(reference);
  });
});

describe("call ids", () => {
  it("joins and splits on the last colon", () => {
    expect(callIdOf("shop.add", "no_args")).toBe("shop.add:no_args");
    expect(parseCallId("ns:task:abc")).toEqual({ taskId: "ns:task", argsId: "abc" });
    expect(parseCallId(callIdOf("t", computeArgsId({ a: "1" })))).toEqual({
      taskId: "t",
      argsId: computeArgsId({ a: "1" }),
    });
    expect(() => parseCallId("nocolon")).toThrow(TsnencError);
  });
});
