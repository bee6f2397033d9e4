/**
 * Encoding half of the tagged-JSON serializer: one walk that validates the value and replaces
 * what JSON cannot carry by envelopes. Subtrees that need no envelope are returned as-is (the same
 * reference), so plain data is passed untouched to JSON.stringify and stays byte-identical to it;
 * only the objects on the way to an envelope are copied.
 */
import { types } from "node:util";
import { SerializationError } from "../errors/errors.js";
import { encodeBinary } from "./binary.js";
import { type ClassRegistry, unregisteredInstanceMessage } from "./class-registry.js";
import {
  type ErrorPayload,
  NAN_ENVELOPE,
  NEGATIVE_INFINITY_ENVELOPE,
  NEGATIVE_ZERO_ENVELOPE,
  POSITIVE_INFINITY_ENVELOPE,
  setOwn,
  TAG,
  UNDEFINED_ENVELOPE,
} from "./envelope.js";
import { builtinErrorName, ERROR_RESERVED_KEYS } from "./error-rebuild.js";
import { describeMapKey, formatPath, type PathSegment } from "./path.js";

/** True for values that JSON carries as they are (no envelope, no walk needed). */
function isJsonScalar(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    default:
      return value === null;
  }
}

/** `Object.prototype` of another realm (vm context, worker-created objects). */
function isPlainPrototype(proto: unknown): boolean {
  if (typeof proto !== "object" || proto === null || Object.getPrototypeOf(proto) !== null) return false;
  const ctor: unknown = Reflect.get(proto, "constructor");
  return typeof ctor === "function" && ctor.name === "Object";
}

export class TaggedJsonEncoder {
  private readonly path: PathSegment[] = [];
  /** Objects on the current path, outermost first, with the path depth at which each was entered. */
  private readonly ancestors: object[] = [];
  private readonly ancestorDepths: number[] = [];

  constructor(private readonly classes: ClassRegistry) {}

  /** The JSON-ready form of `value`; throws SerializationError naming the failing path. */
  encode(value: unknown): unknown {
    this.path.length = 0;
    this.ancestors.length = 0;
    this.ancestorDepths.length = 0;
    return this.walk(value);
  }

  /** The path where the last `encode` call stopped (where it failed, after a throw). */
  currentPath(): string {
    return formatPath(this.path);
  }

  private fail(reason: string, cause?: unknown): SerializationError {
    const where = formatPath(this.path);
    return new SerializationError(`${where}: ${reason}`, cause === undefined ? undefined : { cause });
  }

  private child(segment: PathSegment, value: unknown): unknown {
    this.path.push(segment);
    const out = this.walk(value);
    this.path.pop();
    return out;
  }

  private walk(value: unknown): unknown {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (Number.isFinite(value)) return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO_ENVELOPE : value;
        if (Number.isNaN(value)) return NAN_ENVELOPE;
        return value > 0 ? POSITIVE_INFINITY_ENVELOPE : NEGATIVE_INFINITY_ENVELOPE;
      case "undefined":
        return UNDEFINED_ENVELOPE;
      case "bigint":
        return { [TAG]: "bigint", v: value.toString() };
      case "function":
        throw this.fail("functions cannot be serialized");
      case "symbol":
        throw this.fail("symbols cannot be serialized");
      default:
        return value === null ? null : this.object(value as object);
    }
  }

  private object(value: object): unknown {
    // A linear scan beats a Map for the shallow nesting of real arguments.
    const index = this.ancestors.indexOf(value);
    if (index >= 0) {
      const closes = formatPath(this.path.slice(0, this.ancestorDepths[index]));
      throw this.fail(`circular reference (back to ${closes})`);
    }
    this.ancestors.push(value);
    this.ancestorDepths.push(this.path.length);
    const out = this.dispatch(value);
    this.ancestors.pop();
    this.ancestorDepths.pop();
    return out;
  }

  private dispatch(value: object): unknown {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return this.plain(value as Record<string, unknown>);
    if (proto === Array.prototype) return this.array(value as unknown[]);
    const registered = this.classes.byProto(proto);
    if (registered?.jsonSerializable) return this.jsonSerializable(value, registered.name);
    if (types.isNativeError(value) || value instanceof Error)
      return this.error(value as Error, registered?.name);
    if (types.isDate(value)) {
      const time = value.getTime();
      return { [TAG]: "date", v: Number.isNaN(time) ? null : value.toISOString() };
    }
    if (types.isRegExp(value)) return { [TAG]: "regexp", v: { source: value.source, flags: value.flags } };
    if (types.isMap(value)) return this.map(value);
    if (types.isSet(value)) return this.set(value);
    const binary = encodeBinary(value);
    if (binary !== undefined) return { [TAG]: "bin", t: binary.t, v: binary.v };
    if (types.isBoxedPrimitive(value)) return this.walk(value.valueOf());
    if (types.isPromise(value)) throw this.fail("promises cannot be serialized (await them first)");
    if (types.isWeakMap(value) || types.isWeakSet(value) || value instanceof WeakRef) {
      throw this.fail(
        `${(value as { constructor: { name: string } }).constructor.name} cannot be serialized`,
      );
    }
    if (Array.isArray(value) && registered === undefined) return this.array(value);
    if (isPlainPrototype(proto)) return this.plain(value as Record<string, unknown>);
    throw this.fail(unregisteredInstanceMessage(value, proto));
  }

  private plain(value: Record<string, unknown>): unknown {
    const keys = Object.keys(value);
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      let original: unknown;
      try {
        original = value[key];
      } catch (error) {
        this.path.push(key);
        throw this.fail(
          `reading the property threw: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
      const encoded = isJsonScalar(original) ? original : this.child(key, original);
      if (copy === undefined) {
        if (encoded === original) continue;
        copy = {};
        for (let j = 0; j < i; j++) {
          const previous = keys[j] as string;
          setOwn(copy, previous, value[previous]);
        }
      }
      setOwn(copy, key, encoded);
    }
    const out = copy ?? value;
    return Object.hasOwn(value, TAG) ? { [TAG]: "obj", v: out } : out;
  }

  private array(value: readonly unknown[]): unknown {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const original = value[i];
      const encoded = isJsonScalar(original) ? original : this.child(i, original);
      if (copy === undefined) {
        if (encoded === original) continue;
        copy = value.slice(0, i);
      }
      copy.push(encoded);
    }
    return copy ?? value;
  }

  private map(value: ReadonlyMap<unknown, unknown>): unknown {
    const entries: unknown[] = [];
    let index = 0;
    for (const [key, item] of value) {
      const encodedKey = this.child({ raw: `.keys()[${index}]` }, key);
      entries.push([encodedKey, this.child(describeMapKey(key, index), item)]);
      index++;
    }
    return { [TAG]: "map", v: entries };
  }

  private set(value: ReadonlySet<unknown>): unknown {
    const items: unknown[] = [];
    let index = 0;
    for (const item of value) items.push(this.child({ raw: `.values()[${index++}]` }, item));
    return { [TAG]: "set", v: items };
  }

  private jsonSerializable(value: object, name: string): unknown {
    let data: unknown;
    try {
      data = (value as { toJSON(): unknown }).toJSON();
    } catch (error) {
      throw this.fail(`${name}.toJSON() threw: ${String(error)}`, error);
    }
    return { [TAG]: "class", c: name, v: this.child({ raw: ".toJSON()" }, data) };
  }

  private error(value: Error, registeredName: string | undefined): unknown {
    const payload: ErrorPayload = { name: String(value.name), message: String(value.message) };
    if (typeof value.stack === "string") payload.stack = value.stack;
    if (Object.hasOwn(value, "cause")) payload.cause = this.child("cause", value.cause);
    const errors: unknown = Object.hasOwn(value, "errors") ? Reflect.get(value, "errors") : undefined;
    if (Array.isArray(errors)) payload.errors = this.child("errors", errors) as unknown[];
    const props: Record<string, unknown> = {};
    let hasProps = false;
    for (const key of Object.keys(value)) {
      if (ERROR_RESERVED_KEYS.has(key)) continue;
      setOwn(props, key, this.child(key, Reflect.get(value, key)));
      hasProps = true;
    }
    if (hasProps) payload.props = props;
    if (registeredName !== undefined) payload.c = registeredName;
    else {
      const builtin = builtinErrorName(Object.getPrototypeOf(value));
      if (builtin !== undefined && builtin !== "Error") payload.b = builtin;
    }
    return { [TAG]: "error", v: payload };
  }
}
