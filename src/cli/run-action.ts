import { Command } from "commander";

/**
 * An expected failure of a command: its message is printed alone (no stack), then exit `exitCode`.
 * Like TsnencError, each class declares its `code` as a literal (its name), kept under minification.
 */
export class CliError extends Error {
  static readonly code: string = "CliError";
  readonly code: string;
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    const code = Object.hasOwn(new.target, "code") ? new.target.code : new.target.name;
    this.name = code;
    this.code = code;
  }
}

function isVerbose(args: readonly unknown[]): boolean {
  const command = args[args.length - 1];
  return command instanceof Command && command.optsWithGlobals().verbose === true;
}

/** Prints `error` on stderr (stack only when `verbose` and the error is unexpected) and sets the exit code. */
export function reportError(error: unknown, verbose: boolean): void {
  if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  process.stderr.write(`error: ${message}${stack}\n`);
  if (!verbose) process.stderr.write("(run with --verbose for the stack trace)\n");
  process.exitCode = 1;
}

/**
 * Wraps a commander action so every command fails the same way: message on stderr, exit code 1
 * (or the CliError's), stack only with the global `--verbose`. Use it for every new command:
 * `cmd.action(runAction(async (options) => { ... }))`.
 */
export function runAction<Args extends unknown[]>(
  fn: (...args: Args) => void | Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args): Promise<void> => {
    try {
      await fn(...args);
    } catch (error) {
      reportError(error, isVerbose(args));
    }
  };
}
