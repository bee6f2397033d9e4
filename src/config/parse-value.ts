import { ConfigError } from "../errors/errors.js";
import type { FieldKind, FieldSpec } from "./fields.js";

/**
 * Checking of config values. Code and files carry native values, which must already have the
 * right type (list fields also accept a comma-separated string from files); environment variables
 * are strings, parsed per kind. Every failure is a ConfigError naming the key and where it came from.
 */

/** Where a value came from, for error messages: the key as written there, and the source. */
export interface ValueLocation {
  /** e.g. "maxRetries", "task.add.maxRetries", "TSNENC__MAX_RETRIES" */
  readonly key: string;
  /** e.g. "app options", "/path/tsnenc.config.yaml", "environment variable" */
  readonly where: string;
  /** whether the source is code (strict types, functions allowed in retryFor) */
  readonly fromCode?: boolean;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function expectedText(kind: FieldKind): string {
  switch (kind.type) {
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "number": {
      const what = kind.integer ? "an integer" : "a number";
      return kind.min === undefined ? what : `${what} >= ${kind.min}`;
    }
    case "enum":
      return `one of ${kind.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "stringList":
      return "a list of strings";
    case "errorClassList":
      return "a list of error classes or class names";
  }
}

/** A short description of a bad value for messages. */
export function showValue(value: unknown): string {
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (value === undefined) return "undefined";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail(spec: FieldSpec, value: unknown, loc: ValueLocation): never {
  throw new ConfigError(
    loc.key,
    `expected ${expectedText(spec.kind)}, got ${showValue(value)} (from ${loc.where})`,
  );
}

/** Splits "a, b,,c" into ["a", "b", "c"]; a JSON array string is parsed as JSON. */
function parseListText(spec: FieldSpec, text: string, loc: ValueLocation): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      fail(spec, text, loc);
    }
    if (!Array.isArray(parsed)) fail(spec, text, loc);
    return parsed;
  }
  return trimmed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function checkList(spec: FieldSpec, value: unknown, loc: ValueLocation): readonly unknown[] {
  let items: unknown[];
  if (Array.isArray(value)) items = [...value];
  else if (typeof value === "string" && !loc.fromCode) items = parseListText(spec, value, loc);
  else fail(spec, value, loc);
  const allowFunctions = spec.kind.type === "errorClassList";
  for (const item of items) {
    const ok = typeof item === "string" || (allowFunctions && typeof item === "function");
    if (!ok) fail(spec, value, loc);
  }
  return Object.freeze(items);
}

/** Checks a native value (code, file, run-time assignment) and returns it as stored. */
export function checkValue(spec: FieldSpec, value: unknown, loc: ValueLocation): unknown {
  const kind = spec.kind;
  switch (kind.type) {
    case "string":
      if (typeof value !== "string") fail(spec, value, loc);
      return value;
    case "boolean":
      if (typeof value !== "boolean") fail(spec, value, loc);
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) fail(spec, value, loc);
      if (kind.integer && !Number.isInteger(value)) fail(spec, value, loc);
      if (kind.min !== undefined && value < kind.min) fail(spec, value, loc);
      return value;
    case "enum":
      if (typeof value !== "string" || !kind.values.includes(value)) fail(spec, value, loc);
      return value;
    case "stringList":
    case "errorClassList":
      return checkList(spec, value, loc);
  }
}

/** Parses the string of an environment variable for a field. */
export function parseEnvValue(spec: FieldSpec, raw: string, loc: ValueLocation): unknown {
  const kind = spec.kind;
  const text = raw.trim();
  switch (kind.type) {
    case "string":
      return raw;
    case "boolean": {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw new ConfigError(
        loc.key,
        `expected a boolean (true/false, 1/0, yes/no, on/off), got ${showValue(raw)} (from ${loc.where})`,
      );
    }
    case "number":
      if (!NUMBER_RE.test(text)) fail(spec, raw, loc);
      return checkValue(spec, Number(text), loc);
    case "enum": {
      const match = kind.values.find((v) => v.toLowerCase() === text.toLowerCase());
      if (match === undefined) fail(spec, raw, loc);
      return match;
    }
    case "stringList":
    case "errorClassList":
      return checkList(spec, parseListText(spec, raw, loc), loc);
  }
}
