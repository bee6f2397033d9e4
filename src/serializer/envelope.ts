/**
 * The tagged-JSON envelope format. Every value JSON cannot carry is written as an object whose
 * reserved key `__tsnenc__` names the tag:
 *
 * | tag      | other fields                  | value                                              |
 * |----------|-------------------------------|----------------------------------------------------|
 * | `undef`  |                               | `undefined`                                        |
 * | `num`    | `v`: `NaN`/`Infinity`/`-Infinity`/`-0` | non-finite numbers and negative zero      |
 * | `bigint` | `v`: decimal string           | BigInt                                             |
 * | `date`   | `v`: ISO string, null if invalid | Date                                            |
 * | `regexp` | `v`: `{source, flags}`        | RegExp                                             |
 * | `map`    | `v`: `[[key, value], ...]`    | Map (any keys)                                     |
 * | `set`    | `v`: `[item, ...]`            | Set                                                |
 * | `bin`    | `t`: type name, `v`: base64   | typed arrays, DataView, ArrayBuffer, Buffer        |
 * | `error`  | `v`: ErrorPayload             | Error objects                                      |
 * | `class`  | `c`: registered name, `v`: `toJSON()` output | registered JsonSerializable instances |
 * | `obj`    | `v`: the object               | a plain object that itself has a `__tsnenc__` key  |
 *
 * Nested values inside `v` are encoded recursively. A plain object carrying the reserved key is
 * always wrapped in an `obj` envelope, so any object with the key in the output is an envelope.
 */
export const TAG = "__tsnenc__";

export type Tag =
  | "undef"
  | "num"
  | "bigint"
  | "date"
  | "regexp"
  | "map"
  | "set"
  | "bin"
  | "error"
  | "class"
  | "obj";

/** The `v` of an `error` envelope (fields other than name/message are optional). */
export interface ErrorPayload {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  errors?: unknown[];
  props?: Record<string, unknown>;
  /** Registered class name. */
  c?: string;
  /** Built-in error constructor name (TypeError, RangeError, ...). */
  b?: string;
}

export const UNDEFINED_ENVELOPE = Object.freeze({ [TAG]: "undef" });
export const NAN_ENVELOPE = Object.freeze({ [TAG]: "num", v: "NaN" });
export const POSITIVE_INFINITY_ENVELOPE = Object.freeze({ [TAG]: "num", v: "Infinity" });
export const NEGATIVE_INFINITY_ENVELOPE = Object.freeze({ [TAG]: "num", v: "-Infinity" });
export const NEGATIVE_ZERO_ENVELOPE = Object.freeze({ [TAG]: "num", v: "-0" });

/** Sets an own enumerable property, also for the key `__proto__` (which assignment would not). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
