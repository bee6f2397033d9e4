/**
 * Errors crossing process boundaries. `encodeError` never throws: it keeps name, message, stack,
 * `code`, cause, AggregateError `errors`, and every own enumerable property the serializer
 * accepts (the others are listed in `dropped`). `decodeError` rebuilds the error with the class
 * registered under its name when known, else the tsnenc class of its `code` (a literal each
 * tsnenc error class declares), else a plain Error; prototype only, no constructor call.
 *
 * Wire format (JSON): `{ name, message, stack?, code?, props?: {key: serialized}, dropped?: [key],
 * cause?: <nested record>, errors?: [<nested record>] }`.
 */
import { inspect, types } from "node:util";
import { type ErrorClass, SerializationError, TSNENC_ERROR_CLASSES } from "../errors/errors.js";
import type { Serializer } from "./contract.js";
import {
  BUILTIN_ERROR_CLASSES,
  defineHidden,
  ERROR_RESERVED_KEYS,
  type ErrorParts,
  errorFromClass,
  fillError,
} from "./error-rebuild.js";

/** The name given to thrown values that are not Error objects. */
export const NON_ERROR_THROWN = "NonErrorThrown";

const MAX_DEPTH = 8;

interface EncodedError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  props?: Record<string, string>;
  dropped?: string[];
  cause?: EncodedError;
  errors?: EncodedError[];
}

/**
 * The TsnencError classes by code (which is also their name) and the JS built-in error classes by
 * name; extend it with your own.
 */
export function defaultKnownErrorClasses(): Map<string, ErrorClass> {
  const classes = new Map<string, ErrorClass>(BUILTIN_ERROR_CLASSES);
  for (const [name, cls] of Object.entries(TSNENC_ERROR_CLASSES)) classes.set(name, cls);
  return classes;
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

function render(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return inspect(value, { depth: 3, breakLength: Number.POSITIVE_INFINITY });
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function safeGet(target: object, key: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: Reflect.get(target, key) };
  } catch {
    return { ok: false };
  }
}

function addProp(record: EncodedError, key: string, value: unknown, serializer: Serializer): void {
  try {
    record.props ??= {};
    Object.defineProperty(record.props, key, {
      value: serializer.serialize(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } catch {
    drop(record, key);
  }
}

function drop(record: EncodedError, key: string): void {
  record.dropped ??= [];
  record.dropped.push(key);
}

function encodeRecord(
  error: unknown,
  serializer: Serializer,
  depth: number,
  seen: Set<unknown>,
): EncodedError {
  if (!isError(error)) {
    const record: EncodedError = { name: NON_ERROR_THROWN, message: render(error) };
    if (typeof error !== "string") addProp(record, "thrown", error, serializer);
    return record;
  }
  seen.add(error);
  const name = safeGet(error, "name");
  const message = safeGet(error, "message");
  const record: EncodedError = {
    name: name.ok ? String(name.value) : "Error",
    message: message.ok ? String(message.value) : "",
  };
  const stack = safeGet(error, "stack");
  if (stack.ok && typeof stack.value === "string") record.stack = stack.value;
  const code = safeGet(error, "code");
  if (code.ok && (typeof code.value === "string" || typeof code.value === "number")) record.code = code.value;
  for (const key of Object.keys(error)) {
    if (ERROR_RESERVED_KEYS.has(key)) continue;
    const prop = safeGet(error, key);
    if (prop.ok) addProp(record, key, prop.value, serializer);
    else drop(record, key);
  }
  const nested = (value: unknown): EncodedError | undefined =>
    depth < MAX_DEPTH && !seen.has(value) ? encodeRecord(value, serializer, depth + 1, seen) : undefined;
  if (Object.hasOwn(error, "cause")) {
    const cause = safeGet(error, "cause");
    const encoded = cause.ok && cause.value !== undefined ? nested(cause.value) : undefined;
    if (encoded !== undefined) record.cause = encoded;
  }
  const errors = Object.hasOwn(error, "errors") ? safeGet(error, "errors") : undefined;
  if (errors?.ok && Array.isArray(errors.value)) {
    record.errors = errors.value.map(nested).filter((e): e is EncodedError => e !== undefined);
  }
  return record;
}

/** Encodes any thrown value as a string; never throws. */
export function encodeError(error: unknown, serializer: Serializer): string {
  try {
    return JSON.stringify(encodeRecord(error, serializer, 0, new Set()));
  } catch (failure) {
    const fallback: EncodedError = { name: "Error", message: `unencodable error: ${render(failure)}` };
    return JSON.stringify(fallback);
  }
}

function isEncoded(value: unknown): value is EncodedError {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === "string" && typeof record.message === "string";
}

/**
 * The class to rebuild `record` with: the one known under its name, else, for a tsnenc error
 * whose name was changed after it was thrown, the tsnenc class of its `code`.
 */
function classOf(
  record: EncodedError,
  knownClasses: ReadonlyMap<string, ErrorClass>,
): ErrorClass | undefined {
  const byName = knownClasses.get(record.name);
  if (byName !== undefined) return byName;
  const code = record.code;
  return typeof code === "string" && Object.hasOwn(TSNENC_ERROR_CLASSES, code)
    ? knownClasses.get(code)
    : undefined;
}

function decodeRecord(
  record: EncodedError,
  serializer: Serializer,
  knownClasses: ReadonlyMap<string, ErrorClass>,
): Error {
  const props: Record<string, unknown> = {};
  const dropped = [...(record.dropped ?? [])];
  for (const [key, text] of Object.entries(record.props ?? {})) {
    try {
      Object.defineProperty(props, key, {
        value: serializer.deserialize(text),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } catch {
      dropped.push(key);
    }
  }
  if (record.code !== undefined && !Object.hasOwn(props, "code")) props.code = record.code;
  const parts: ErrorParts = { name: record.name, message: record.message, stack: record.stack, props };
  if (isEncoded(record.cause)) {
    parts.hasCause = true;
    parts.cause = decodeRecord(record.cause, serializer, knownClasses);
  }
  if (Array.isArray(record.errors)) {
    parts.errors = record.errors.filter(isEncoded).map((e) => decodeRecord(e, serializer, knownClasses));
  }
  const cls = classOf(record, knownClasses);
  const error = cls === undefined ? fillError(new Error(record.message), parts) : errorFromClass(cls, parts);
  defineHidden(error, "remoteStack", record.stack);
  if (dropped.length > 0) defineHidden(error, "droppedProperties", dropped);
  return error;
}

/**
 * Rebuilds an error encoded by `encodeError`. It has the encoded name, message and props, and a
 * non-enumerable `remoteStack` with the original stack (also its `stack` when there was one).
 * Properties that were dropped or fail to deserialize are listed in non-enumerable `droppedProperties`.
 */
export function decodeError(
  text: string,
  serializer: Serializer,
  knownClasses: ReadonlyMap<string, ErrorClass> = defaultKnownErrorClasses(),
): Error {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new SerializationError(`cannot decode error: invalid JSON`, { cause: error });
  }
  if (!isEncoded(record)) throw new SerializationError("cannot decode error: missing name or message");
  return decodeRecord(record, serializer, knownClasses);
}
