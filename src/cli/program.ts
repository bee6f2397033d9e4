import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerConfigCommands } from "./commands/config-show.js";
import { registerRunnerCommands } from "./commands/runner-start.js";
import { registerStatusCommands } from "./commands/status-render.js";
import { type CliIo, type CliSession, processIo } from "./io.js";

function packageVersion(): string {
  try {
    const raw: unknown = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    if (raw && typeof raw === "object" && "version" in raw && typeof raw.version === "string")
      return raw.version;
  } catch {
    // fall through: the version is informative only
  }
  return "0.0.0";
}

/**
 * The `tsnenc` command line for one run (`session`: its IO, where its command leaves the exit
 * code). Commander writes help and usage errors through the session's IO and throws a
 * CommanderError instead of exiting (`runCli` turns it into the exit code). Each command lives
 * in its own module under `commands/` and exports a `register…(program, session)` function
 * called here; wrap actions with `runAction` (./run-action.ts) so errors print the same way
 * (message on stderr, exit 1, stack only with `--verbose`).
 */
export function buildProgram(session: CliSession): Command {
  const { io } = session;
  // Before the commands are added: subcommands inherit both settings.
  const program = new Command("tsnenc")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
    .description("tsnenc: distributed task orchestration for TypeScript")
    .version(packageVersion(), "-V, --version", "print the tsnenc version")
    .option("-v, --verbose", "print stack traces of errors")
    .showSuggestionAfterError();
  registerRunnerCommands(program, session);
  registerConfigCommands(program, session);
  registerStatusCommands(program, session);
  return program;
}

/**
 * Runs the command line on `argv` (the arguments after the program name, e.g.
 * `["config", "show", "--json"]`) and resolves with its exit code. `io` replaces the process's
 * working directory, environment, output and signals (./io.ts): tests run commands in their
 * own process this way. It never exits the process; `tsnenc` itself is ./main.ts around it.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  let exitNow: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    exitNow = resolve;
  });
  const session: CliSession = { io: { ...processIo(), ...io }, exitCode: 0, exit: (code) => exitNow(code) };
  const ran = buildProgram(session)
    .parseAsync([...argv], { from: "user" })
    .then(
      () => session.exitCode,
      (error: unknown) => {
        // Help, version and usage errors (already printed by commander).
        if (error instanceof CommanderError) return error.exitCode;
        throw error;
      },
    );
  return Promise.race([exited, ran]);
}
