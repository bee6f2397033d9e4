export {
  CONTEXT_KEYS,
  contextPrefix,
  formatJson,
  formatText,
  LEVEL_VALUE,
  LOG_LEVELS,
  type LogFields,
  type LogLevel,
  type LogRecord,
  safeStringify,
  serializeError,
} from "./format.js";
export {
  createLogger,
  isLogLevel,
  type LogFormat,
  type Logger,
  type LoggerOptions,
  type LogSink,
} from "./logger.js";
