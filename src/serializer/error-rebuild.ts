/**
 * Rebuilding Error objects that crossed a process boundary, shared by the tagged-JSON serializer
 * and the error codec. Constructors of user classes are never called (their signatures are
 * unknown); the object is created from the class prototype and its fields are assigned.
 */

/** Built-in error constructors by name. */
export const BUILTIN_ERROR_CLASSES: ReadonlyMap<string, new (...args: never[]) => Error> = new Map<
  string,
  new (
    ...args: never[]
  ) => Error
>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
  ["ReferenceError", ReferenceError],
  ["EvalError", EvalError],
  ["URIError", URIError],
  ["AggregateError", AggregateError],
]);

const BUILTIN_BY_PROTOTYPE = new Map<unknown, string>(
  [...BUILTIN_ERROR_CLASSES].map(([name, cls]) => [cls.prototype, name]),
);

/** The built-in constructor name when `proto` is exactly a built-in error prototype. */
export function builtinErrorName(proto: unknown): string | undefined {
  return BUILTIN_BY_PROTOTYPE.get(proto);
}

export interface ErrorParts {
  name: string;
  message: string;
  stack?: string | undefined;
  /** Only assigned when `hasCause` (a cause may legitimately be undefined). */
  cause?: unknown;
  hasCause?: boolean;
  errors?: unknown[] | undefined;
  props?: Readonly<Record<string, unknown>> | undefined;
}

/** Defines an own, non-enumerable, writable property (how native errors hold message and stack). */
export function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

/** Assigns name, message, stack, cause, errors and props onto `target`. */
export function fillError<E extends Error>(target: E, parts: ErrorParts): E {
  if (target.name !== parts.name) defineHidden(target, "name", parts.name);
  defineHidden(target, "message", parts.message);
  if (parts.stack !== undefined) defineHidden(target, "stack", parts.stack);
  if (parts.hasCause) defineHidden(target, "cause", parts.cause);
  if (parts.errors !== undefined) defineHidden(target, "errors", parts.errors);
  if (parts.props !== undefined) {
    for (const [key, value] of Object.entries(parts.props)) {
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return target;
}

/** An object with the prototype of `cls`, without calling its constructor. */
export function errorFromClass(cls: abstract new (...args: never[]) => unknown, parts: ErrorParts): Error {
  return fillError(Object.create(cls.prototype as object) as Error, parts);
}

/** A real instance of a built-in error class (or plain Error when `builtin` is unknown). */
export function errorFromBuiltin(builtin: string | undefined, parts: ErrorParts): Error {
  const error =
    builtin === "AggregateError"
      ? new AggregateError([], parts.message)
      : new (builtinConstructor(builtin))(parts.message);
  return fillError(error, parts);
}

function builtinConstructor(name: string | undefined): new (message: string) => Error {
  switch (name) {
    case "TypeError":
      return TypeError;
    case "RangeError":
      return RangeError;
    case "SyntaxError":
      return SyntaxError;
    case "ReferenceError":
      return ReferenceError;
    case "EvalError":
      return EvalError;
    case "URIError":
      return URIError;
    default:
      return Error;
  }
}

/** Property names carried in dedicated fields rather than as props. */
export const ERROR_RESERVED_KEYS: ReadonlySet<string> = new Set([
  "name",
  "message",
  "stack",
  "cause",
  "errors",
]);
