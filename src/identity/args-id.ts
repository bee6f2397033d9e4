/**
 * Call identity, byte-compatible with pynenc's `compute_args_id` and its Rust port.
 *
 * args_id = "no_args" for no arguments, otherwise the SHA-256 hex digest of the UTF-8 bytes of
 * `JSON(key) + "=" + JSON(value) + ";"` for each argument, keys sorted by Unicode code point.
 *
 * JSON here is Python's `json.dumps(s, ensure_ascii=False)`: `"`, `\` and control characters
 * below U+0020 escaped (`\b \f \n \r \t`, otherwise lowercase `\u00XX`), everything else raw.
 * `JSON.stringify(string)` produces exactly that, with one divergence: a lone surrogate is
 * written as an escape (`"\ud800"`), where pynenc would fail to UTF-8 encode the string. tsnenc
 * therefore still yields a deterministic id for such (ill-formed) strings.
 */
import { createHash } from "node:crypto";
import { TsnencError } from "../errors/errors.js";

export const NO_ARGS_ID = "no_args";

/** Maps a UTF-16 code unit so that comparing mapped units orders strings by code point. */
function codePointOrderUnit(unit: number): number {
  if (unit < 0xd800) return unit;
  // Surrogates (astral code points) must sort after U+E000..U+FFFF.
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Compares two strings by Unicode code point (Python's str ordering), not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrderUnit(x) - codePointOrderUnit(y);
  }
  return a.length - b.length;
}

/** The args id of a call from its serialized arguments (argument name → serialized value). */
export function computeArgsId(serializedArgs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(serializedArgs);
  if (keys.length === 0) return NO_ARGS_ID;
  keys.sort(compareCodePoints);
  const hash = createHash("sha256");
  for (const key of keys) {
    hash.update(`${JSON.stringify(key)}=${JSON.stringify(serializedArgs[key])};`, "utf8");
  }
  return hash.digest("hex");
}

/** `"<taskId>:<argsId>"`. */
export function callIdOf(taskId: string, argsId: string): string {
  return `${taskId}:${argsId}`;
}

export interface ParsedCallId {
  taskId: string;
  argsId: string;
}

/** Splits a call id on its last `:` (args ids never contain one; task ids may). */
export function parseCallId(callId: string): ParsedCallId {
  const at = callId.lastIndexOf(":");
  if (at < 0)
    throw new TsnencError(`invalid call id ${JSON.stringify(callId)}: expected "<taskId>:<argsId>"`);
  return { taskId: callId.slice(0, at), argsId: callId.slice(at + 1) };
}
