/** Rendering of log records: plain/coloured text lines and JSON lines. Pure functions. */

export type LogLevel = "debug" | "info" | "warning" | "error";
export type LogFields = Record<string, unknown>;

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error"];
export const LEVEL_VALUE: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
};

/** The context keys every line may carry, in output order. */
export const CONTEXT_KEYS = ["runnerClass", "runnerId", "invocationId", "taskId"] as const;
const RESERVED = new Set(["timestamp", "level", "logger", "message"]);

/** One log line before rendering; `fields` hold the context keys (when present) and the rest. */
export interface LogRecord {
  time: Date;
  level: LogLevel;
  logger: string;
  message: string;
  fields: LogFields;
}

/** An error as plain data: name, message, stack, own enumerable properties (code...), cause. */
export function serializeError(error: Error, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) if (!(key in out)) out[key] = value;
  if (error.stack) out.stack = error.stack;
  if (error.cause !== undefined) {
    out.cause =
      error.cause instanceof Error && depth < 5 ? serializeError(error.cause, depth + 1) : error.cause;
  }
  return out;
}

/** JSON.stringify that never throws: errors as plain data, bigints as strings, cycles as "[Circular]". */
export function safeStringify(value: unknown): string {
  const ancestors: unknown[] = [];
  try {
    const json = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
      if (typeof v === "bigint") return v.toString();
      const out = v instanceof Error ? serializeError(v) : v;
      if (out === null || typeof out !== "object") return out;
      // `this` is the object holding `v`: drop the ancestors that are no longer on the path.
      const at = ancestors.indexOf(this);
      if (at >= 0) ancestors.splice(at + 1);
      else ancestors.push(this);
      if (ancestors.includes(v)) return "[Circular]";
      return out;
    });
    return json ?? "null";
  } catch (error) {
    return JSON.stringify(`[unserializable: ${error instanceof Error ? error.message : String(error)}]`);
  }
}

function present(value: unknown): value is string | number {
  return (typeof value === "string" && value !== "") || typeof value === "number";
}

/** `RunnerClass(runnerId[0..8]) invocationId:taskId`, omitting what is absent; "" when nothing is. */
export function contextPrefix(fields: LogFields): string {
  const { runnerClass, runnerId, invocationId, taskId } = fields;
  let runner = present(runnerClass) ? String(runnerClass) : "";
  if (present(runnerId)) runner += `(${String(runnerId).slice(0, 8)})`;
  let invocation = present(invocationId) ? String(invocationId) : "";
  if (present(taskId)) invocation += `:${String(taskId)}`;
  return [runner, invocation].filter((part) => part !== "").join(" ");
}

function textValue(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== "object") return String(value);
  if (value instanceof Error) return JSON.stringify(`${value.name}: ${value.message}`);
  return safeStringify(value);
}

const COLOURS: Readonly<Record<LogLevel, string>> = {
  debug: "\x1b[36m",
  info: "\x1b[32m",
  warning: "\x1b[33m",
  error: "\x1b[31m",
};
const RESET = "\x1b[0m";
const BLUE = "\x1b[34m";
const DIM = "\x1b[2m";

/**
 * `<ISO time> <LEVEL> <logger> [<context>] message key=value ...` plus, for each Error field,
 * its indented stack on the following lines. Ends with a newline.
 */
export function formatText(record: LogRecord, colours: boolean): string {
  const paint = (code: string, text: string): string => (colours ? `${code}${text}${RESET}` : text);
  const prefix = contextPrefix(record.fields);
  const parts = [
    paint(DIM, record.time.toISOString()),
    paint(COLOURS[record.level], record.level.toUpperCase().padEnd(7)),
    paint(BLUE, record.logger),
  ];
  if (prefix) parts.push(`[${prefix}]`);
  parts.push(record.message);
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(record.fields)) {
    if ((CONTEXT_KEYS as readonly string[]).includes(key) || value === undefined) continue;
    parts.push(`${key}=${textValue(value)}`);
    if (value instanceof Error && value.stack) stacks.push(value.stack.replace(/^/gm, "    "));
  }
  return `${[parts.join(" "), ...stacks].join("\n")}\n`;
}

/**
 * One JSON object: timestamp, level, logger, message, the context keys when present, then the
 * other fields (a field named like a reserved key is kept as `field_<key>`). Ends with a newline.
 */
export function formatJson(record: LogRecord): string {
  const out: Record<string, unknown> = {
    timestamp: record.time.toISOString(),
    level: record.level,
    logger: record.logger,
    message: record.message,
  };
  for (const key of CONTEXT_KEYS) {
    const value = record.fields[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  for (const [key, value] of Object.entries(record.fields)) {
    if ((CONTEXT_KEYS as readonly string[]).includes(key)) continue;
    out[RESERVED.has(key) ? `field_${key}` : key] = value;
  }
  return `${safeStringify(out)}\n`;
}
