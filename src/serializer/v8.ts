/**
 * The `"v8"` serializer: Node's structured-clone format (`node:v8`), base64-encoded. Carries
 * everything structured clone does (Map, Set, Date, RegExp, BigInt, typed arrays, Buffer, Error
 * name/message/stack, cycles and shared references) but rebuilds class instances as plain objects
 * and drops custom Error properties. Functions, symbols, promises and weak collections are refused.
 */

import { types } from "node:util";
import { deserialize, serialize } from "node:v8";
import { SerializationError } from "../errors/errors.js";
import type { Serializer } from "./contract.js";
import { formatPath, type PathSegment } from "./path.js";

export class V8Serializer implements Serializer {
  readonly name = "v8";

  serialize(value: unknown): string {
    try {
      return serialize(value).toString("base64");
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const found = findUncloneable(value);
      const reason = found === undefined ? message : `${formatPath(found.path)}: ${found.reason}`;
      throw new SerializationError(reason, { cause: error });
    }
  }

  deserialize(text: string): unknown {
    try {
      return deserialize(Buffer.from(text, "base64"));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new SerializationError(`cannot deserialize v8 data: ${message}`, { cause: error });
    }
  }
}

interface Uncloneable {
  path: PathSegment[];
  reason: string;
}

function uncloneableReason(value: unknown): string | undefined {
  if (typeof value === "function") return "functions cannot be serialized";
  if (typeof value === "symbol") return "symbols cannot be serialized";
  if (typeof value !== "object" || value === null) return undefined;
  if (types.isPromise(value)) return "promises cannot be serialized (await them first)";
  if (types.isWeakMap(value) || types.isWeakSet(value) || value instanceof WeakRef) {
    return `${value.constructor.name} cannot be serialized`;
  }
  return undefined;
}

/** Depth-first search for the first value structured clone refuses (only run after a failure). */
function findUncloneable(root: unknown): Uncloneable | undefined {
  const seen = new Set<object>();
  const path: PathSegment[] = [];
  const visit = (value: unknown): string | undefined => {
    const reason = uncloneableReason(value);
    if (reason !== undefined || typeof value !== "object" || value === null || seen.has(value)) return reason;
    seen.add(value);
    const children: Array<[PathSegment, unknown]> = [];
    if (types.isMap(value)) {
      let i = 0;
      for (const [key, item] of value) {
        children.push([{ raw: `.keys()[${i}]` }, key], [{ raw: `.values()[${i}]` }, item]);
        i++;
      }
    } else if (types.isSet(value)) {
      let i = 0;
      for (const item of value) children.push([{ raw: `.values()[${i++}]` }, item]);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) children.push([i, value[i] as unknown]);
    } else {
      for (const key of Object.keys(value)) children.push([key, Reflect.get(value, key)]);
    }
    for (const [segment, item] of children) {
      path.push(segment);
      const found = visit(item);
      if (found !== undefined) return found;
      path.pop();
    }
    return undefined;
  };
  const reason = visit(root);
  return reason === undefined ? undefined : { path, reason };
}
