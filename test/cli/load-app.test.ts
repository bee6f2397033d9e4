import { describe, expect, it } from "vitest";
import { Tsnenc } from "../../src/app/tsnenc.js";
import { formatSource, formatValue } from "../../src/cli/commands/config-show.js";
import { appsInModule, isDiscoveryCandidate, isTsnencApp } from "../../src/cli/load-app.js";

describe("isTsnencApp", () => {
  it("accepts instances of this copy and of another copy of the package, by brand", () => {
    expect(isTsnencApp(new Tsnenc({ appId: "a" }))).toBe(true);
    class SubApp extends Tsnenc {}
    expect(isTsnencApp(new SubApp({ appId: "b" }))).toBe(true);
    // Another copy brands its own class with the same global symbol; its name may be minified.
    class OtherCopy {}
    Object.defineProperty(OtherCopy.prototype, Symbol.for("tsnenc.Tsnenc"), { value: true });
    expect(isTsnencApp(new OtherCopy())).toBe(true);
    class Sub extends OtherCopy {}
    expect(isTsnencApp(new Sub())).toBe(true);
  });

  it("refuses other values, a look-alike class named Tsnenc without the brand included", () => {
    class Tsnenc2 {
      appId = "x";
      conf = {};
      task(): void {}
    }
    Object.defineProperty(Tsnenc2, "name", { value: "Tsnenc" });
    expect(isTsnencApp(new Tsnenc2())).toBe(false);
    expect(isTsnencApp({ appId: "x", conf: {}, task: () => {} })).toBe(false);
    expect(isTsnencApp(null)).toBe(false);
    expect(isTsnencApp(Tsnenc)).toBe(false);
  });
});

describe("appsInModule", () => {
  it("counts an instance exported twice once, under its named export", () => {
    const app = new Tsnenc({ appId: "a" });
    expect(appsInModule({ default: app, app, other: 1 })).toEqual([{ exportName: "app", app }]);
  });

  it("finds apps in a plain default object (module.exports = { app })", () => {
    const app = new Tsnenc({ appId: "a" });
    expect(appsInModule({ default: { app } })).toEqual([{ exportName: "default.app", app }]);
  });

  it("lists distinct apps", () => {
    const a = new Tsnenc({ appId: "a" });
    const b = new Tsnenc({ appId: "b" });
    expect(appsInModule({ a, b }).map((x) => x.exportName)).toEqual(["a", "b"]);
  });
});

describe("isDiscoveryCandidate", () => {
  it.each([
    ["app.ts", true],
    ["tasks.mts", true],
    ["worker.js", true],
    ["worker.mjs", true],
    ["_private.ts", false],
    [".hidden.ts", false],
    ["types.d.ts", false],
    ["app.test.ts", false],
    ["app.spec.mjs", false],
    ["tsnenc.config.ts", false],
    ["vitest.workspace.ts", false],
    ["eslint.mjs", false],
    ["app.cjs", false],
    ["README.md", false],
  ])("%s -> %s", (name, expected) => {
    expect(isDiscoveryCandidate(name)).toBe(expected);
  });
});

describe("config show formatting", () => {
  it("formats sources", () => {
    expect(formatSource({ tier: "default" }, "/p")).toBe("default");
    expect(formatSource({ tier: "code", detail: "app options" }, "/p")).toBe("code");
    expect(formatSource({ tier: "file", detail: "/p/tsnenc.config.json" }, "/p")).toBe(
      "file:tsnenc.config.json",
    );
    expect(formatSource({ tier: "env-file", detail: "/etc/t.yaml" }, "/p")).toBe("env-file:/etc/t.yaml");
    expect(formatSource({ tier: "env", detail: "TSNENC__APP_ID" }, "/p")).toBe("env:TSNENC__APP_ID");
    expect(formatSource({ tier: "runtime", detail: "app conf" }, "/p")).toBe("runtime");
  });

  it("formats values as JSON, classes by name", () => {
    expect(formatValue("x")).toBe('"x"');
    expect(formatValue([TypeError, "RangeError"])).toBe('["TypeError","RangeError"]');
  });
});
