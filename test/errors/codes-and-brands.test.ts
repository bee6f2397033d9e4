import { describe, expect, it } from "vitest";
import { CliError } from "../../src/cli/run-action.js";
import { isRetriable, type TaskSettings } from "../../src/engine/task-definition.js";
import {
  ConcurrencyRetryError,
  RetryError,
  TaskNotFoundError,
  TSNENC_ERROR_CLASSES,
  TsnencError,
} from "../../src/errors/errors.js";
import { hasBrand } from "../../src/identity/brand.js";
import { decodeError, encodeError } from "../../src/serializer/error-codec.js";
import { createSerializer } from "../../src/serializer/index.js";

const settings = { retryFor: [] } as Pick<TaskSettings, "retryFor"> as TaskSettings;

/** Runs `fn` while `cls` is named `name`, as a minifier would rename it. */
function renamed<T>(cls: abstract new (...args: never[]) => unknown, name: string, fn: () => T): T {
  const original = Object.getOwnPropertyDescriptor(cls, "name");
  Object.defineProperty(cls, "name", { value: name, configurable: true });
  try {
    return fn();
  } finally {
    if (original) Object.defineProperty(cls, "name", original);
  }
}

describe("error codes", () => {
  it("every tsnenc error class declares its own literal code, its key in TSNENC_ERROR_CLASSES", () => {
    for (const [key, cls] of Object.entries(TSNENC_ERROR_CLASSES)) {
      expect(Object.hasOwn(cls, "code"), key).toBe(true);
      expect((cls as unknown as { code: string }).code).toBe(key);
      expect(cls.name).toBe(key);
    }
  });

  it("name and code survive a minified class name", () => {
    const error = renamed(TaskNotFoundError, "a", () => new TaskNotFoundError("shop.add", "missing"));
    expect(error.code).toBe("TaskNotFoundError");
    expect(error.name).toBe("TaskNotFoundError");
    const cli = renamed(CliError, "b", () => new CliError("bad input"));
    expect(cli.code).toBe("CliError");
    expect(cli.name).toBe("CliError");
  });

  it("a user subclass without a code of its own is named and coded by its class name", () => {
    class PaymentDeclined extends RetryError {}
    const error = new PaymentDeclined("declined");
    expect(error.code).toBe("PaymentDeclined");
    expect(error.name).toBe("PaymentDeclined");
  });

  it("the codec rebuilds a tsnenc error by its code when its name was changed", () => {
    const json = createSerializer("json");
    const error = new RetryError("again");
    error.name = "PaymentRetry";
    const back = decodeError(encodeError(error, json), json);
    expect(back).toBeInstanceOf(RetryError);
    expect(back.name).toBe("PaymentRetry");
  });
});

describe("error brands", () => {
  it("each class carries the brand of its code, inherited by subclasses", () => {
    const error = new ConcurrencyRetryError("busy");
    expect(hasBrand(error, "ConcurrencyRetryError")).toBe(true);
    expect(hasBrand(error, "RetryError")).toBe(true);
    expect(hasBrand(error, "TsnencError")).toBe(true);
    expect(hasBrand(error, "TaskError")).toBe(false);
  });

  it("isRetriable recognises a RetryError by brand: any copy, any name, no look-alike", () => {
    expect(isRetriable(new RetryError("again"), settings)).toBe(true);
    class Sub extends RetryError {}
    expect(isRetriable(new Sub("again"), settings)).toBe(true);
    // A RetryError of another copy of tsnenc: the same global brand, its own class (minified name).
    class a extends Error {}
    Object.defineProperty(a.prototype, Symbol.for("tsnenc.RetryError"), { value: true });
    expect(isRetriable(new a("again"), settings)).toBe(true);
    // A class merely named RetryError is not one.
    class RetryErrorLookAlike extends Error {}
    Object.defineProperty(RetryErrorLookAlike, "name", { value: "RetryError" });
    expect(isRetriable(new RetryErrorLookAlike("again"), settings)).toBe(false);
    expect(isRetriable(new TsnencError("no"), settings)).toBe(false);
  });
});
