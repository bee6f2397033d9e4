// The entry of a pool worker (a child process of MultiProcessRunner / PersistentProcessRunner,
// or a thread of ThreadRunner): it imports the app's module and runs an AsyncRunner under the
// runner context its parent chose, until the parent asks it to stop (SIGTERM or a message) or
// goes away. It reports the invocations it holds so the parent can scale and recover.
import { AsyncRunner } from "../async-runner.js";
import { runnerContextFromJson } from "../runner-context.js";
import { receiveChildApp, runChildEntry } from "./child-entry.js";
import type { PoolParentMessage, PoolWorkerMessage } from "./messages.js";
import { connectToParent, type ParentChannel } from "./parent-channel.js";

/** How often the held invocations are compared with the last report. */
const LOAD_CHECK_MS = 100;

type Channel = ParentChannel<PoolWorkerMessage, PoolParentMessage>;

function reportLoad(runner: AsyncRunner, parent: Channel): NodeJS.Timeout {
  let last = "";
  const check = (): void => {
    const held = runner.heldInvocationIds;
    const key = held.join(",");
    if (key === last) return;
    last = key;
    parent.send({ type: "load", held });
  };
  const timer = setInterval(check, LOAD_CHECK_MS);
  timer.unref();
  return timer;
}

async function main(): Promise<number> {
  const parent = connectToParent<PoolWorkerMessage, PoolParentMessage>();
  let stopRequested = false;
  let runner: AsyncRunner | undefined;
  const stop = (): void => {
    stopRequested = true;
    runner?.stopRunnerLoop();
  };
  parent.onStopRequest(stop);
  parent.onParentGone(stop);
  const started = await receiveChildApp(parent);
  if (!started) return 1;
  const { init, app } = started;
  if (stopRequested) return 0;
  runner = new AsyncRunner(app, {
    runnerContext: { ...runnerContextFromJson(init.context), pid: process.pid },
    maxConcurrency: init.concurrency,
    handleSignals: false,
  });
  const running = runner.run();
  parent.send({ type: "started" });
  const reporter = reportLoad(runner, parent);
  try {
    await running;
  } finally {
    clearInterval(reporter);
    await app.close();
  }
  return 0;
}

runChildEntry("tsnenc pool worker", main);
