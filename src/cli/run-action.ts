import { Command } from "commander";
import type { CliSession } from "./io.js";

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

/**
 * Prints `error` through `stderr` (stack only when `verbose` and the error is unexpected);
 * returns the exit code it means.
 */
export function reportError(error: unknown, verbose: boolean, stderr: (text: string) => void): number {
  if (error instanceof CliError) {
    stderr(`${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = verbose && error instanceof Error && error.stack ? `\n${error.stack}` : "";
  stderr(`error: ${message}${stack}\n`);
  if (!verbose) stderr("(run with --verbose for the stack trace)\n");
  return 1;
}

/**
 * Wraps a commander action so every command fails the same way: message on the session's
 * stderr, exit code 1 (or the CliError's), stack only with the global `--verbose`. Use it for
 * every new command: `cmd.action(runAction(session, async (options) => { ... }))`.
 */
export function runAction<Args extends unknown[]>(
  session: CliSession,
  fn: (...args: Args) => void | Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args: Args): Promise<void> => {
    try {
      await fn(...args);
    } catch (error) {
      session.exitCode = reportError(error, isVerbose(args), session.io.stderr);
    }
  };
}
