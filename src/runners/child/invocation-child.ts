// The entry of a ProcessRunner child: it imports the app's module, says it is ready, receives
// one invocation its parent claimed for it, executes it under its own runner context and
// exits. When the task awaits other invocations it asks its parent, which pauses it (PAUSED,
// the child stops itself with SIGSTOP, slot freed) and answers once the results are final
// (RESUMED, SIGCONT).
import type { RunnerHandle } from "../../context/execution-context.js";
import { executeClaimed } from "../../engine/execute.js";
import { LazyAbortController } from "../executors/in-process/lazy-abort.js";
import { runnerContextFromJson } from "../runner-context.js";
import { receiveChildApp, runChildEntry } from "./child-entry.js";
import type { InvocationChildMessage, InvocationParentMessage } from "./messages.js";
import { connectToParent, type ParentChannel } from "./parent-channel.js";
import { CAN_STOP_PROCESSES } from "./worker-link.js";

type Parent = ParentChannel<InvocationChildMessage, InvocationParentMessage>;

/**
 * Stops this process until its parent sends SIGCONT. Called from a message handler, so never
 * inside a synchronous backend write: a stopped child holds no lock others need.
 */
async function stopHere(parent: Parent): Promise<void> {
  await parent.sendNow({ type: "paused" });
  if (CAN_STOP_PROCESSES) process.kill(process.pid, "SIGSTOP");
  parent.send({ type: "running" });
}

async function main(): Promise<number> {
  const parent = connectToParent<InvocationChildMessage, InvocationParentMessage>();
  // Without its parent nobody reports this child alive: the recovery hands its invocation back.
  parent.onParentGone(() => process.exit(1));
  parent.onStopRequest(() => process.exit(143));
  const started = await receiveChildApp(parent);
  if (!started) return 1;
  const { init, app } = started;
  const context = { ...runnerContextFromJson(init.context), pid: process.pid };
  const executeMessage = parent.next("execute");
  parent.send({ type: "ready" });
  const { claimed } = await executeMessage;

  const replies = new Map<number, () => void>();
  parent.onMessage((message) => {
    if (message.type === "pause") void stopHere(parent);
    if (message.type !== "continue") return;
    replies.get(message.requestId)?.();
    replies.delete(message.requestId);
  });
  let lastRequestId = 0;
  let waited = false;
  const ask = (message: { type: "waiting"; ids: string[] } | { type: "settle" }): Promise<void> => {
    const requestId = ++lastRequestId;
    const answered = new Promise<void>((resolve) => replies.set(requestId, resolve));
    parent.send({ ...message, requestId });
    return answered;
  };
  const invocationId = claimed.record.invocationId;
  const runner: RunnerHandle & { settleWaits(id: string): Promise<void> } = {
    runnerId: context.runnerId,
    runnerClass: context.runnerClass,
    async waitingForResults(runningInvocationId, resultInvocationIds) {
      if (runningInvocationId !== invocationId) await app.finality.waitForFinal(resultInvocationIds);
      else {
        waited = true;
        await ask({ type: "waiting", ids: [...resultInvocationIds] });
      }
    },
    async settleWaits(id) {
      if (id === invocationId && waited) await ask({ type: "settle" });
    },
  };
  const end: unknown = await executeClaimed(app, claimed, runner, new LazyAbortController());
  // An outcome that could not be stored stays this child's: exiting without "done" hands it back.
  if (end !== "unsaved") await parent.sendNow({ type: "done" });
  await app.close();
  return 0;
}

runChildEntry("tsnenc process runner child", main);
