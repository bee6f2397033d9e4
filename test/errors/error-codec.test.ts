import { describe, expect, it } from "vitest";
import {
  type ErrorClass,
  RetryError,
  SerializationError,
  TaskError,
  TsnencError,
} from "../../src/errors/errors.js";
import {
  decodeError,
  defaultKnownErrorClasses,
  encodeError,
  NON_ERROR_THROWN,
} from "../../src/serializer/error-codec.js";
import { createSerializer } from "../../src/serializer/index.js";

const json = createSerializer("json");

class HttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const withHttp = (): Map<string, ErrorClass> => defaultKnownErrorClasses().set("HttpError", HttpError);
const roundTrip = (error: unknown, known: ReadonlyMap<string, ErrorClass> = defaultKnownErrorClasses()) =>
  decodeError(encodeError(error, json), json, known);

describe("error codec", () => {
  it("rebuilds a known custom class without calling its constructor", () => {
    const original = new HttpError("not found", 404);
    const back = roundTrip(original, withHttp()) as HttpError;
    expect(back).toBeInstanceOf(HttpError);
    expect(back.name).toBe("HttpError");
    expect(back.message).toBe("not found");
    expect(back.statusCode).toBe(404);
    expect(back.stack).toBe(original.stack);
    expect(Reflect.get(back, "remoteStack")).toBe(original.stack);
    expect(Object.keys(back)).not.toContain("remoteStack");
  });

  it("rebuilds an unknown class as a plain Error with the same name, message and props", () => {
    const back = roundTrip(new HttpError("not found", 404)) as Error & { statusCode: number };
    expect(back).not.toBeInstanceOf(HttpError);
    expect(back).toBeInstanceOf(Error);
    expect(back.name).toBe("HttpError");
    expect(back.message).toBe("not found");
    expect(back.statusCode).toBe(404);
    expect(String(back)).toBe("HttpError: not found");
  });

  it("rebuilds TsnencError subclasses with their fields and code", () => {
    const back = roundTrip(new TaskError("shop.add", "boom")) as TaskError;
    expect(back).toBeInstanceOf(TaskError);
    expect(back).toBeInstanceOf(TsnencError);
    expect(back.name).toBe("TaskError");
    expect(back.message).toBe("task 'shop.add': boom");
    expect(back.taskId).toBe("shop.add");
    expect(back.code).toBe("TaskError");
    expect(roundTrip(new RetryError("again"))).toBeInstanceOf(RetryError);
  });

  it("rebuilds built-in errors, causes and aggregate errors", () => {
    expect(roundTrip(new RangeError("r"))).toBeInstanceOf(RangeError);
    const back = roundTrip(new Error("outer", { cause: new TypeError("inner") }));
    expect(back.cause).toBeInstanceOf(TypeError);
    expect((back.cause as Error).message).toBe("inner");
    const aggregate = roundTrip(new AggregateError([new Error("a"), "b"], "all")) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors.map((e: Error) => e.message)).toEqual(["a", "b"]);
  });

  it("keeps a string `code`", () => {
    const error = Object.assign(new Error("nope"), { code: "ENOENT" });
    const text = encodeError(error, json);
    expect(JSON.parse(text).code).toBe("ENOENT");
    expect((decodeError(text, json, defaultKnownErrorClasses()) as Error & { code: string }).code).toBe(
      "ENOENT",
    );
  });

  it("turns thrown non-errors into NonErrorThrown", () => {
    const fromString = roundTrip("just a string");
    expect(fromString).toBeInstanceOf(Error);
    expect(fromString.name).toBe(NON_ERROR_THROWN);
    expect(fromString.message).toBe("just a string");
    const fromObject = roundTrip({ reason: "x", n: 1 }) as Error & { thrown: unknown };
    expect(fromObject.name).toBe(NON_ERROR_THROWN);
    expect(fromObject.message).toContain("reason: 'x'");
    expect(fromObject.thrown).toEqual({ reason: "x", n: 1 });
    expect(roundTrip(undefined).message).toBe("undefined");
    expect(roundTrip(() => 1).name).toBe(NON_ERROR_THROWN);
  });

  it("drops unserializable props instead of throwing", () => {
    const error = Object.assign(new HttpError("bad", 500), { callback: () => 1, detail: { ok: true } });
    const text = encodeError(error, json);
    expect(JSON.parse(text).dropped).toEqual(["callback"]);
    const back = decodeError(text, json, withHttp()) as HttpError & { detail: unknown; callback?: unknown };
    expect(back.statusCode).toBe(500);
    expect(back.detail).toEqual({ ok: true });
    expect(back.callback).toBeUndefined();
    expect(Reflect.get(back, "droppedProperties")).toEqual(["callback"]);
  });

  it("survives hostile errors (throwing getters, self-referencing causes)", () => {
    const error = new Error("hostile");
    Object.defineProperty(error, "boom", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    });
    Object.defineProperty(error, "cause", { value: error });
    const back = roundTrip(error);
    expect(back.message).toBe("hostile");
    expect(back.cause).toBeUndefined();
  });

  it("works with the v8 serializer too", () => {
    const v8 = createSerializer("v8");
    const back = decodeError(encodeError(new HttpError("x", 418), v8), v8, withHttp()) as HttpError;
    expect(back).toBeInstanceOf(HttpError);
    expect(back.statusCode).toBe(418);
  });

  it("refuses undecodable text with SerializationError", () => {
    expect(() => decodeError("not json", json, defaultKnownErrorClasses())).toThrow(SerializationError);
    expect(() => decodeError('{"x":1}', json, defaultKnownErrorClasses())).toThrow(SerializationError);
  });
});
