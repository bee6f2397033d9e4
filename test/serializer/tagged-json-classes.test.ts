import { describe, expect, it } from "vitest";
import { SerializationError } from "../../src/errors/errors.js";
import { createSerializer, TaggedJsonSerializer } from "../../src/serializer/index.js";

class Money {
  constructor(
    readonly amount: bigint,
    readonly currency: string,
  ) {}
  toJSON(): unknown {
    return { amount: this.amount, currency: this.currency };
  }
  static fromJSON(data: unknown): Money {
    const { amount, currency } = data as { amount: bigint; currency: string };
    return new Money(amount, currency);
  }
}

class OnlyToJSON {
  toJSON(): unknown {
    return 1;
  }
}

class HttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

describe("tagged JSON: JsonSerializable classes", () => {
  it("round-trips a registered class, nested values encoded too", () => {
    const json = createSerializer("json", [Money]);
    const text = json.serialize({ price: new Money(10n, "EUR") });
    expect(text).toContain('"__tsnenc__":"class","c":"Money"');
    const back = json.deserialize(text) as { price: Money };
    expect(back.price).toBeInstanceOf(Money);
    expect(back.price.amount).toBe(10n);
  });

  it("registers under an explicit name, via record or registerClass", () => {
    const a = createSerializer("json", { "shop.Money": Money });
    expect(a.serialize(new Money(1n, "X"))).toContain('"c":"shop.Money"');
    const b = new TaggedJsonSerializer();
    b.registerClass(Money, "M");
    expect(b.deserialize(b.serialize(new Money(1n, "X")))).toBeInstanceOf(Money);
  });

  it("refuses unregistered classes with a hint", () => {
    const json = createSerializer("json");
    expect(() => json.serialize({ list: [new Money(1n, "X")] })).toThrow(
      /value\.list\[0\]: .*class Money .*not registered.*registerClass\(Money\)/,
    );
    class Plain {
      x = 1;
    }
    expect(() => json.serialize(new Plain())).toThrow(/implement toJSON\(\) and static fromJSON\(data\)/);
    expect(() => json.serialize(new OnlyToJSON())).toThrow(/has toJSON\(\) but no static fromJSON/);
    expect(() => json.registerClass(OnlyToJSON)).toThrow(/has toJSON\(\) but no static fromJSON/);
  });

  it("fails to deserialize a class name that is not registered", () => {
    const text = createSerializer("json", [Money]).serialize({ m: new Money(1n, "X") });
    expect(() => createSerializer("json").deserialize(text)).toThrow(
      /value\.m: class "Money" is not registered/,
    );
  });

  it("refuses reusing a name for another class", () => {
    const json = createSerializer("json", [Money]);
    class Other {
      toJSON(): unknown {
        return 0;
      }
      static fromJSON(): Other {
        return new Other();
      }
    }
    expect(() => json.registerClass(Other, "Money")).toThrow(SerializationError);
  });
});

describe("tagged JSON: errors as values", () => {
  it("rebuilds built-in errors with name, message, stack, cause and props", () => {
    const json = createSerializer("json");
    const error = Object.assign(new TypeError("bad", { cause: new Error("root") }), { extra: [1] });
    const back = json.deserialize(json.serialize({ error })) as { error: TypeError & { extra: number[] } };
    expect(back.error).toBeInstanceOf(TypeError);
    expect(back.error.message).toBe("bad");
    expect(back.error.stack).toBe(error.stack);
    expect((back.error.cause as Error).message).toBe("root");
    expect(back.error.extra).toEqual([1]);
  });

  it("rebuilds custom errors as their class when registered, else as Error with the name", () => {
    const error = new HttpError("not found", 404);
    const known = createSerializer("json", [HttpError]);
    const a = known.deserialize(known.serialize(error)) as HttpError;
    expect(a).toBeInstanceOf(HttpError);
    expect(a.statusCode).toBe(404);
    const unknown = createSerializer("json");
    const b = unknown.deserialize(unknown.serialize(error)) as Error & { statusCode: number };
    expect(b).toBeInstanceOf(Error);
    expect(b.name).toBe("HttpError");
    expect(b.message).toBe("not found");
    expect(b.statusCode).toBe(404);
  });

  it("round-trips AggregateError", () => {
    const json = createSerializer("json");
    const back = json.deserialize(json.serialize(new AggregateError([new RangeError("r")], "many")));
    expect(back).toBeInstanceOf(AggregateError);
    expect((back as AggregateError).errors[0]).toBeInstanceOf(RangeError);
  });
});
