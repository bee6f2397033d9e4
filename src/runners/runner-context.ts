import { randomUUID } from "node:crypto";
import { hostname } from "node:os";

/** Who executes (or registers) an invocation: a runner, a worker of a runner, or a client. */
export interface RunnerContext {
  readonly runnerClass: string;
  readonly runnerId: string;
  readonly parent: RunnerContext | null;
  readonly pid: number;
  readonly hostname: string;
}

export function newRunnerContext(
  runnerClass: string,
  options: { runnerId?: string; parent?: RunnerContext | null } = {},
): RunnerContext {
  return {
    runnerClass,
    runnerId: options.runnerId ?? randomUUID(),
    parent: options.parent ?? null,
    pid: process.pid,
    hostname: hostname(),
  };
}

/** The context of a worker that belongs to `parent` (a child process, a thread). */
export function newChildRunnerContext(
  parent: RunnerContext,
  runnerClass: string,
  runnerId?: string,
): RunnerContext {
  return newRunnerContext(runnerClass, { parent, ...(runnerId ? { runnerId } : {}) });
}

/** JSON with sorted keys and the parent chain nested. */
export function runnerContextToJson(context: RunnerContext): string {
  return JSON.stringify(toPlain(context));
}

function toPlain(context: RunnerContext): Record<string, unknown> {
  return {
    hostname: context.hostname,
    parent: context.parent ? toPlain(context.parent) : null,
    pid: context.pid,
    runnerClass: context.runnerClass,
    runnerId: context.runnerId,
  };
}

export function runnerContextFromJson(text: string): RunnerContext {
  const plain = JSON.parse(text) as {
    hostname: string;
    parent: unknown;
    pid: number;
    runnerClass: string;
    runnerId: string;
  };
  return {
    hostname: plain.hostname,
    pid: plain.pid,
    runnerClass: plain.runnerClass,
    runnerId: plain.runnerId,
    parent: plain.parent ? runnerContextFromJson(JSON.stringify(plain.parent)) : null,
  };
}

/** The context of code that registers invocations outside any runner: `ExternalRunner@<host>-<pid>`. */
export function externalRunnerContext(): RunnerContext {
  return newRunnerContext("ExternalRunner", { runnerId: `ExternalRunner@${hostname()}-${process.pid}` });
}
