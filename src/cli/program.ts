import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerConfigCommands } from "./commands/config-show.js";
import { registerRunnerCommands } from "./commands/runner-start.js";
import { registerStatusCommands } from "./commands/status-render.js";

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
 * The `tsnenc` command line. Each command lives in its own module under `commands/` and exports
 * a `register…(program)` function called here; wrap actions with `runAction` (./run-action.ts)
 * so errors print the same way (message on stderr, exit 1, stack only with `--verbose`).
 */
export function buildProgram(): Command {
  const program = new Command("tsnenc")
    .description("tsnenc: distributed task orchestration for TypeScript")
    .version(packageVersion(), "-V, --version", "print the tsnenc version")
    .option("-v, --verbose", "print stack traces of errors")
    .showSuggestionAfterError();
  registerRunnerCommands(program);
  registerConfigCommands(program);
  registerStatusCommands(program);
  return program;
}
