import type { Command } from "commander";
import type { Tsnenc } from "../../app/tsnenc.js";
import type { RunnerName } from "../../config/fields.js";
import { hasBrand } from "../../identity/brand.js";
import type { BaseRunner } from "../../runners/base-runner.js";
import type { AppModuleRef } from "../../runners/child/app-module.js";
import { type CliSession, onProcessSignals } from "../io.js";
import { loadApp } from "../load-app.js";
import { CliError, runAction } from "../run-action.js";

export interface RunnerStartOptions {
  /** `FILE[#EXPORT]`; discovered in the working directory when absent. */
  app?: string;
  /** Runner class name, overriding config `runner` (default: config `runner`, else AsyncRunner). */
  runner?: string;
}

export interface RunnerStartIo {
  cwd: string;
  stderr(text: string): void;
  /** Ends the process (the app's module may hold handles open after the runner stopped). */
  exit(code: number): void;
  /** Calls `listener` on SIGINT and SIGTERM until the returned function is called (default: this process's). */
  onSignal?(listener: (signal: NodeJS.Signals) => void): () => void;
}

function processIo(): RunnerStartIo {
  return {
    cwd: process.cwd(),
    stderr: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
  };
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The runner `tsnenc runner start` starts when neither `--runner` nor config `runner` names one. */
export const DEFAULT_CLI_RUNNER: RunnerName = "AsyncRunner";

/**
 * The app's runner, of the class `name` (default: config `runner`, else an AsyncRunner);
 * refuses runners that cannot execute. Runners that start children (processes, threads) get
 * `appModule` for them to import.
 */
export function selectRunner(app: Tsnenc, name?: string, appModule?: AppModuleRef): BaseRunner {
  let runner: BaseRunner;
  try {
    // Through the app's config, so the app builds the runner: the app module may use another
    // copy of tsnenc than this command, and its tasks see only the runners of their copy.
    if (name !== undefined) app.conf.runner = name as RunnerName;
    else if (app.conf.runner === "") app.conf.runner = DEFAULT_CLI_RUNNER;
    runner = app.runner;
    // A runner the module set (or created before the override) may be of another class.
    if (runner.runnerClass !== app.conf.runner) {
      app.runner = undefined;
      runner = app.runner;
    }
    if (appModule && runner.startsChildren) runner.appModule ??= appModule;
  } catch (error) {
    throw new CliError(message(error));
  }
  if (hasBrand(runner, "DummyRunner")) {
    throw new CliError(
      `${runner.runnerClass} cannot execute tasks; start a runner such as AsyncRunner ` +
        "(--runner AsyncRunner, or config 'runner' / TSNENC__RUNNER)",
    );
  }
  return runner;
}

/**
 * `tsnenc runner start`: runs the app's runner until SIGINT/SIGTERM, then closes the app and
 * exits 0. A second signal while stopping exits at once (130 / 143).
 */
export async function runnerStart(
  options: RunnerStartOptions,
  io: RunnerStartIo = processIo(),
): Promise<void> {
  const { app, modulePath, exportName } = await loadApp({ app: options.app, cwd: io.cwd });
  const runner = selectRunner(app, options.runner, { path: modulePath, exportName });
  // This command stops the runner on SIGINT/SIGTERM itself (through `io`, below).
  runner.handleSignals = false;
  let slots: number;
  try {
    slots = runner.maxParallelSlots;
  } catch (error) {
    throw new CliError(message(error));
  }
  let stopSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopSignal !== undefined) {
      io.stderr(`Received ${signal} while stopping; exiting now\n`);
      io.exit(SIGNAL_EXIT_CODES[signal] ?? 1);
      return;
    }
    stopSignal = signal;
    io.stderr(`Received ${signal}; stopping ${runner.runnerClass} ${runner.runnerId}\n`);
    // The runner stops itself on SIGINT/SIGTERM by default; this covers one built without handlers.
    runner.stopRunnerLoop(signal);
  };
  const stopListening = (io.onSignal ?? onProcessSignals)(onSignal);
  try {
    io.stderr(`Starting ${runner.runnerClass} ${runner.runnerId} for app ${app.appId} (${slots} slots)\n`);
    try {
      await runner.run();
    } finally {
      await app.close();
    }
  } finally {
    stopListening();
  }
  io.stderr(`Stopped ${runner.runnerClass} ${runner.runnerId}${stopSignal ? ` on ${stopSignal}` : ""}\n`);
  io.exit(0);
}

export function registerRunnerCommands(program: Command, session: CliSession): void {
  const runner = program.command("runner").description("run the workers of an app");
  runner
    .command("start")
    .description("run the app's runner until SIGINT/SIGTERM")
    .option("--app <file>", "app module (.ts/.mts/.js/.mjs, optionally FILE#EXPORT); default: discovered")
    .option(
      "--runner <name>",
      "runner class, overriding config 'runner' (default: config 'runner', else AsyncRunner)",
    )
    .action(
      runAction(session, async (opts: { app?: string; runner?: string }) => {
        await runnerStart({ app: opts.app, runner: opts.runner }, { ...session.io, exit: session.exit });
      }),
    );
}
