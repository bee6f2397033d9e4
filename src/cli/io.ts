// What the commands of the command line read and write instead of the process's own: the
// process's by default (`tsnenc`, ./main.ts), or a caller's (`runCli` in ./program.ts, which
// tests use to run a command in their own process).

/** The IO of one run of the command line. */
export interface CliIo {
  /** Working directory: app discovery, relative paths, config files. */
  readonly cwd: string;
  /**
   * Environment of the config `config show` resolves when no app module is found. (An app
   * module's own `new Tsnenc(...)` reads `process.env` and `process.cwd()` as usual.)
   */
  readonly env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Calls `listener` on SIGINT and SIGTERM until the returned function is called (`runner start`). */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

/** One run of the command line: its IO, the exit code its command set, and how a command ends the run early. */
export interface CliSession {
  readonly io: CliIo;
  /** 0 unless the command failed (set by `runAction`). */
  exitCode: number;
  /** Ends the run with `code` now (`runner start` once its runner stopped, or on a second signal). */
  exit(code: number): void;
}

/** SIGINT and SIGTERM of this process. */
export function onProcessSignals(listener: (signal: NodeJS.Signals) => void): () => void {
  process.on("SIGINT", listener);
  process.on("SIGTERM", listener);
  return () => {
    process.off("SIGINT", listener);
    process.off("SIGTERM", listener);
  };
}

/** This process's working directory, environment, output streams and signals. */
export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    onSignal: onProcessSignals,
  };
}
