import { isMainThread, parentPort } from "node:worker_threads";
import { RunnerError } from "../../errors/errors.js";
import { isMessage } from "./messages.js";

/** A child's end of the link to its parent runner (IPC for a process, the port for a thread). */
export interface ParentChannel<Out, In extends { type: string }> {
  send(message: Out): void;
  /** Sends a message and resolves once it is handed to the channel (before exiting). */
  sendNow(message: Out): Promise<void>;
  onMessage(listener: (message: In) => void): void;
  /** The next message of type `type` (earlier messages of other types go to the listeners). */
  next<T extends In["type"]>(type: T): Promise<Extract<In, { type: T }>>;
  /** The parent asked this child to stop: SIGTERM for a process, a `stop` message for a thread. */
  onStopRequest(listener: () => void): void;
  /** The parent is gone (IPC disconnected, port closed). */
  onParentGone(listener: () => void): void;
}

/** The channel of this child: its thread's port, or its process's IPC channel. */
export function connectToParent<Out, In extends { type: string }>(): ParentChannel<Out, In> {
  const listeners: Array<(message: In) => void> = [];
  const stopListeners: Array<() => void> = [];
  const dispatch = (message: unknown): void => {
    if (!isMessage<In>(message)) return;
    if (message.type === "stop") for (const listener of stopListeners) listener();
    for (const listener of [...listeners]) listener(message);
  };
  let send: (message: Out) => void;
  let sendNow: (message: Out) => Promise<void>;
  let onGone: (listener: () => void) => void;
  if (!isMainThread && parentPort) {
    const port = parentPort;
    port.on("message", dispatch);
    send = (message) => port.postMessage(message);
    sendNow = async (message) => port.postMessage(message);
    onGone = (listener) => port.once("close", listener);
  } else if (process.send) {
    process.on("message", dispatch);
    send = (message) => {
      if (process.connected) process.send?.(message, undefined, undefined, () => {});
    };
    sendNow = (message) =>
      new Promise((resolve) => {
        if (!process.connected || !process.send) resolve();
        else process.send(message, undefined, undefined, () => resolve());
      });
    onGone = (listener) => process.once("disconnect", listener);
    // The parent runner decides when its children stop: Ctrl-C reaches the whole process
    // group, and the parent then asks each child with SIGTERM.
    process.on("SIGINT", () => {});
    process.on("SIGTERM", () => {
      for (const listener of stopListeners) listener();
    });
  } else {
    throw new RunnerError("this module is the entry of a runner's child and must be started by the runner");
  }
  return {
    send,
    sendNow,
    onMessage: (listener) => listeners.push(listener),
    next<T extends In["type"]>(type: T) {
      return new Promise<Extract<In, { type: T }>>((resolve) => {
        const listener = (message: In): void => {
          if (message.type !== type) return;
          listeners.splice(listeners.indexOf(listener), 1);
          resolve(message as Extract<In, { type: T }>);
        };
        listeners.push(listener);
      });
    },
    onStopRequest: (listener) => stopListeners.push(listener),
    onParentGone: onGone,
  };
}
