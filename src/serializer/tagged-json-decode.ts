/**
 * Decoding half of the tagged-JSON serializer: revives envelopes in a freshly parsed JSON tree.
 * Arrays and plain objects are updated in place (they are owned by this call); envelopes are
 * replaced by the values they describe.
 */
import { SerializationError } from "../errors/errors.js";
import { decodeBinary } from "./binary.js";
import type { ClassRegistry } from "./class-registry.js";
import { TAG } from "./envelope.js";
import { type ErrorParts, errorFromBuiltin, errorFromClass } from "./error-rebuild.js";
import { formatPath, type PathSegment } from "./path.js";

type Json = Record<string, unknown>;

const NUMBERS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
  "-0": -0,
};

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class TaggedJsonDecoder {
  private readonly path: PathSegment[] = [];

  constructor(private readonly classes: ClassRegistry) {}

  decode(parsed: unknown): unknown {
    this.path.length = 0;
    return this.revive(parsed);
  }

  /** The path where the last `decode` call stopped (where it failed, after a throw). */
  currentPath(): string {
    return formatPath(this.path);
  }

  private fail(reason: string, cause?: unknown): SerializationError {
    return new SerializationError(
      `${formatPath(this.path)}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
  }

  private child(segment: PathSegment, value: unknown): unknown {
    this.path.push(segment);
    const out = this.revive(value);
    this.path.pop();
    return out;
  }

  private revive(value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== "object" || item === null) continue;
        const revived = this.child(i, item);
        if (revived !== item) value[i] = revived;
      }
      return value;
    }
    const record = value as Json;
    if (Object.hasOwn(record, TAG)) return this.envelope(record);
    this.reviveProps(record);
    return record;
  }

  /** Revives every property in place (JSON.parse made them own data properties, `__proto__` too). */
  private reviveProps(record: Json): void {
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== "object" || item === null) continue;
      const revived = this.child(key, item);
      if (revived !== item) record[key] = revived;
    }
  }

  private envelope(env: Json): unknown {
    const tag = env[TAG];
    const v = env.v;
    switch (tag) {
      case "undef":
        return undefined;
      case "num":
        if (typeof v === "string" && Object.hasOwn(NUMBERS, v)) return NUMBERS[v];
        break;
      case "bigint":
        if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
        break;
      case "date":
        if (v === null) return new Date(Number.NaN);
        if (typeof v === "string") return new Date(v);
        break;
      case "regexp":
        if (isRecord(v) && typeof v.source === "string" && typeof v.flags === "string") {
          try {
            return new RegExp(v.source, v.flags);
          } catch (error) {
            throw this.fail(`invalid regexp /${v.source}/${v.flags}`, error);
          }
        }
        break;
      case "map":
        if (Array.isArray(v)) return this.map(v);
        break;
      case "set":
        if (Array.isArray(v)) return new Set(this.revive(v) as unknown[]);
        break;
      case "bin":
        if (typeof env.t === "string" && typeof v === "string")
          return decodeBinary(env.t, v, formatPath(this.path));
        break;
      case "error":
        if (isRecord(v) && typeof v.name === "string" && typeof v.message === "string") return this.error(v);
        break;
      case "class":
        if (typeof env.c === "string" && "v" in env) return this.instance(env.c, v);
        break;
      case "obj":
        if (isRecord(v)) {
          this.reviveProps(v);
          return v;
        }
        break;
      default:
        throw this.fail(`unknown envelope tag ${JSON.stringify(tag)}`);
    }
    throw this.fail(`malformed "${String(tag)}" envelope`);
  }

  private map(entries: unknown[]): Map<unknown, unknown> {
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (!Array.isArray(entry) || entry.length !== 2) throw this.fail(`malformed "map" entry ${i}`);
      out.set(
        this.child({ raw: `.keys()[${i}]` }, entry[0]),
        this.child({ raw: `.values()[${i}]` }, entry[1]),
      );
    }
    return out;
  }

  private instance(name: string, data: unknown): unknown {
    const registered = this.classes.get(name);
    if (registered === undefined || !registered.jsonSerializable) {
      throw this.fail(`class "${name}" is not registered with this serializer; call registerClass(${name})`);
    }
    const revived = this.child({ raw: ".toJSON()" }, data);
    const fromJSON = (registered.cls as unknown as { fromJSON(data: unknown): unknown }).fromJSON;
    try {
      return fromJSON.call(registered.cls, revived);
    } catch (error) {
      throw this.fail(`${name}.fromJSON() threw: ${String(error)}`, error);
    }
  }

  private error(payload: Json): Error {
    const parts: ErrorParts = { name: payload.name as string, message: payload.message as string };
    if (typeof payload.stack === "string") parts.stack = payload.stack;
    if ("cause" in payload) {
      parts.hasCause = true;
      parts.cause = this.child("cause", payload.cause);
    }
    if (Array.isArray(payload.errors)) parts.errors = this.child("errors", payload.errors) as unknown[];
    if (isRecord(payload.props)) {
      this.reviveProps(payload.props);
      parts.props = payload.props;
    }
    if (typeof payload.c === "string") {
      const registered = this.classes.get(payload.c);
      if (registered === undefined) {
        throw this.fail(`error class "${payload.c}" is not registered with this serializer`);
      }
      return errorFromClass(registered.cls, parts);
    }
    return errorFromBuiltin(typeof payload.b === "string" ? payload.b : undefined, parts);
  }
}
