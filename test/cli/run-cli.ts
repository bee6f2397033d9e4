// The CLI tests run the commands in this process through `runCli` (src/cli/program.ts), with
// their output captured and their working directory and environment given; the few that need a
// process of its own (signals, an app module's own config) are in cli.smoke.test.ts.
import { runCli } from "../../src/cli/program.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  /** Working directory of the command. */
  cwd: string;
  /** Environment (config `config show` resolves without an app): NO_COLOR plus these, nothing of this process's. */
  env?: NodeJS.ProcessEnv;
  /** Receives the command's signal listener (`runner start`): call it to send SIGINT/SIGTERM. */
  onSignal?: (listener: (signal: NodeJS.Signals) => void) => void;
  /** Called with each chunk written to stderr, and all of it so far. */
  onStderr?: (all: string) => void;
}

/** `tsnenc ...args`, in process; resolves with the exit code and the output. */
export async function cli(args: readonly string[], options: CliRunOptions): Promise<CliResult> {
  const out = { stdout: "", stderr: "" };
  const code = await runCli(args, {
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...options.env },
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
      options.onStderr?.(out.stderr);
    },
    onSignal: (listener) => {
      options.onSignal?.(listener);
      return () => {};
    },
  });
  return { code, ...out };
}
