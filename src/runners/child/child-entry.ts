import { type ChildApp, importApp } from "./import-app.js";
import type { ChildInit } from "./messages.js";
import { applyRuntimeConfig } from "./runtime-config.js";

/** The part of a child's channel its start-up uses (both kinds of child speak this much alike). */
export interface StartupChannel<I extends ChildInit> {
  send(message: { type: "hello" }): void;
  sendNow(message: { type: "failed"; message: string }): Promise<void>;
  next(type: "init"): Promise<{ init: I }>;
}

/**
 * The start of every runner's child: says hello, receives its init, imports the app's module
 * with the parent's run-time config and connects to the backend, so an app module or backend
 * that fails fails the child's start (before the parent hands it any work). On failure it tells
 * the parent why and returns undefined.
 */
export async function receiveChildApp<I extends ChildInit>(
  parent: StartupChannel<I>,
): Promise<{ init: I; app: ChildApp } | undefined> {
  const initMessage = parent.next("init");
  parent.send({ type: "hello" });
  const { init } = await initMessage;
  try {
    const app = await importApp(init.appModule);
    applyRuntimeConfig(app, init.runtimeConfig);
    await app.backend.broker.size();
    return { init, app };
  } catch (error) {
    await parent.sendNow({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

/** Runs a child's `main` and exits with its code; a crash is written to stderr (`<name> failed: ...`), code 1. */
export function runChildEntry(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
