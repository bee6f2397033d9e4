import { getExecutionContext } from "../context/execution-context.js";
import {
  formatJson,
  formatText,
  LEVEL_VALUE,
  LOG_LEVELS,
  type LogFields,
  type LogLevel,
  type LogRecord,
} from "./format.js";

export type LogFormat = "text" | "json";

/** Anything with a synchronous `write`: receives one complete line, newline included. */
export interface LogSink {
  write(line: string): unknown;
  readonly isTTY?: boolean;
}

export interface LoggerOptions {
  appId: string;
  level: LogLevel;
  format: LogFormat;
  /** `stderr` / `stdout` (resolved at each write), or a sink. */
  stream: "stderr" | "stdout" | LogSink;
  /** Force colours on or off; default: only when the stream is a TTY and NO_COLOR is unset. */
  colors?: boolean;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

export interface Logger {
  /** `tsnenc.<appId>`. */
  readonly name: string;
  readonly appId: string;
  /** The minimum level written; shared with every child of the same root logger. */
  level: LogLevel;
  setLevel(level: LogLevel): void;
  isLevelEnabled(level: LogLevel): boolean;
  log(level: LogLevel, message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger writing to the same place with `bindings` added to every line (fields win). */
  child(bindings: LogFields): Logger;
}

/** State shared by a root logger and its children. */
interface LoggerCore {
  readonly name: string;
  readonly appId: string;
  threshold: number;
  level: LogLevel;
  readonly format: LogFormat;
  readonly stream: LoggerOptions["stream"];
  readonly colors: boolean | undefined;
  readonly now: () => Date;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

function checkLevel(level: unknown): LogLevel {
  if (!isLogLevel(level))
    throw new TypeError(`unknown log level ${String(level)}: use ${LOG_LEVELS.join(", ")}`);
  return level;
}

function resolveSink(stream: LoggerOptions["stream"]): LogSink {
  if (stream === "stderr") return process.stderr;
  if (stream === "stdout") return process.stdout;
  return stream;
}

/** The current execution context of the app as log fields (absent parts left out). */
function contextFields(appId: string): LogFields {
  const ctx = getExecutionContext(appId);
  if (!ctx) return {};
  const fields: LogFields = { runnerClass: ctx.runner.runnerClass, runnerId: ctx.runner.runnerId };
  if (ctx.invocationId) fields.invocationId = ctx.invocationId;
  if (ctx.taskId) fields.taskId = ctx.taskId;
  return fields;
}

class TsnencLogger implements Logger {
  constructor(
    private readonly core: LoggerCore,
    private readonly bindings: LogFields,
  ) {}

  get name(): string {
    return this.core.name;
  }
  get appId(): string {
    return this.core.appId;
  }
  get level(): LogLevel {
    return this.core.level;
  }
  set level(level: LogLevel) {
    this.setLevel(level);
  }

  setLevel(level: LogLevel): void {
    this.core.level = checkLevel(level);
    this.core.threshold = LEVEL_VALUE[this.core.level];
  }

  isLevelEnabled(level: LogLevel): boolean {
    return LEVEL_VALUE[level] >= this.core.threshold;
  }

  log(level: LogLevel, message: string, fields?: LogFields): void {
    if (!(LEVEL_VALUE[level] >= this.core.threshold)) return;
    const core = this.core;
    try {
      const record: LogRecord = {
        time: core.now(),
        level,
        logger: core.name,
        message,
        fields: { ...contextFields(core.appId), ...this.bindings, ...fields },
      };
      const sink = resolveSink(core.stream);
      const colors = core.colors ?? (sink.isTTY === true && !process.env.NO_COLOR);
      sink.write(core.format === "json" ? formatJson(record) : formatText(record, colors));
    } catch {
      // Logging must never break the caller (closed stream, hostile toString...).
    }
  }

  debug(message: string, fields?: LogFields): void {
    this.log("debug", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log("info", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log("warning", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log("error", message, fields);
  }

  child(bindings: LogFields): Logger {
    return new TsnencLogger(this.core, { ...this.bindings, ...bindings });
  }
}

/**
 * The logger of one app, named `tsnenc.<appId>`: create one per app and share it (children
 * add bindings). Every line carries the app's current execution context (runner class and id,
 * invocation and task id when present); bindings and fields override it. Lines below the
 * level are dropped before any formatting; each line is written with one synchronous `write`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = checkLevel(options.level);
  if (options.format !== "text" && options.format !== "json") {
    throw new TypeError(`unknown log format ${String(options.format)}: use text or json`);
  }
  return new TsnencLogger(
    {
      name: `tsnenc.${options.appId}`,
      appId: options.appId,
      level,
      threshold: LEVEL_VALUE[level],
      format: options.format,
      stream: options.stream,
      colors: options.colors,
      now: options.now ?? (() => new Date()),
    },
    {},
  );
}
