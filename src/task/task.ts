import type { TaskConfig } from "../config/index.js";
import type { AppCore } from "../engine/app-core.js";
import { validateConcurrencySettings } from "../engine/concurrency-keys.js";
import { buildInvocationRecords, registerRecords } from "../engine/register.js";
import type { TaskDefinition, TaskSettings } from "../engine/task-definition.js";
import type { ErrorClass } from "../errors/errors.js";
import { ConfigError, TaskParallelProcessingError } from "../errors/errors.js";
import { DistributedInvocation } from "../invocation/distributed-invocation.js";
import { DistributedInvocationGroup, type InvocationGroup } from "../invocation/group.js";
import { type Invocation, PendingInvocation } from "../invocation/invocation.js";
import { reusedInvocation } from "../invocation/reused-invocation.js";
import { SyncInvocation, SyncInvocationGroup } from "../invocation/sync-invocation.js";
import type { Logger } from "../logging/logger.js";
import type { TaskOptions } from "./task-options.js";

/** A registered task: call it to register an invocation that any runner executes. */
export interface Task<A extends unknown[], R> {
  (...args: A): PendingInvocation<R>;
  readonly taskId: string;
  readonly options: Readonly<TaskOptions>;
  /** The task's resolved config; assigning a field here wins over every source, for this task. */
  readonly conf: TaskConfig;
  readonly logger: Logger;
  readonly fn: (...args: A) => R | Promise<R>;
  /**
   * Registers one invocation per argument list, in batches of `parallelBatchSize` (one backend
   * call per batch). With `commonArgs` (tasks whose single argument is an object), each entry
   * is `[partialObject]` and the call's argument is `{ ...commonArgs, ...partialObject }`;
   * `commonArgs` is serialized once and, when large, stored once in the client data store.
   */
  parallelize(argsList: ReadonlyArray<A>): Promise<InvocationGroup<R>>;
  parallelize(
    argsList: ReadonlyArray<[Partial<SingleObject<A>>]>,
    options: { commonArgs: Partial<SingleObject<A>> },
  ): Promise<InvocationGroup<R>>;
}

/** The type of a task's single object argument (never for other signatures). */
export type SingleObject<A extends unknown[]> = A extends [infer O] ? (O extends object ? O : never) : never;

/** What a task needs of its app beyond the engine core. */
export interface TaskHost extends AppCore {
  readonly devMode: boolean;
  resolveErrorClass(name: string): ErrorClass | undefined;
}

export function createTask<A extends unknown[], R>(
  app: TaskHost,
  taskId: string,
  fn: (...args: A) => R | Promise<R>,
  options: TaskOptions,
  conf: TaskConfig,
): { task: Task<A, R>; definition: TaskDefinition } {
  const settings = (): TaskSettings => ({
    maxRetries: conf.maxRetries,
    retryFor: conf.retryFor.map((ref) => resolveRetryClass(app, taskId, ref)),
    retryDelayMs: conf.retryDelayMs,
    retryBackoffFactor: conf.retryBackoffFactor,
    retryMaxDelayMs: conf.retryMaxDelayMs,
    forceNewWorkflow: conf.forceNewWorkflow,
    parallelBatchSize: conf.parallelBatchSize,
    registrationConcurrency: conf.registrationConcurrency,
    runningConcurrency: conf.runningConcurrency,
    concurrencyLimit: conf.concurrencyLimit,
    keyArguments: conf.keyArguments,
    onDiffNonKeyArgsRaise: conf.onDiffNonKeyArgsRaise,
    rerouteOnConcurrencyControl: conf.rerouteOnConcurrencyControl,
    disableCacheArgs: conf.disableCacheArgs,
  });
  validateConcurrencySettings(taskId, settings()); // also refuses unknown retry classes
  const definition: TaskDefinition = { taskId, fn: fn as TaskDefinition["fn"], settings };

  const register = async (
    argsList: ReadonlyArray<readonly unknown[]>,
    commonArgs?: Readonly<Record<string, unknown>>,
  ): Promise<Invocation<R>[]> => {
    const records = await buildInvocationRecords(app, definition, argsList, commonArgs);
    const outcomes = await registerRecords(app, records, settings().parallelBatchSize);
    const invocations: Array<Invocation<R> | Promise<Invocation<R>>> = records.map((record, index) => {
      const reusedId = outcomes[index]?.reusedInvocationId ?? null;
      if (reusedId === null)
        return new DistributedInvocation<R>(app, record.invocationId, record.taskId, record.callId);
      return reusedInvocation<R>(
        app,
        record,
        reusedId,
        argsList[index] ?? [],
        settings().onDiffNonKeyArgsRaise,
      );
    });
    return outcomes.some((outcome) => outcome.reusedInvocationId !== null)
      ? Promise.all(invocations)
      : (invocations as Invocation<R>[]);
  };

  const call = (...args: A): PendingInvocation<R> => {
    if (app.devMode) return new PendingInvocation(SyncInvocation.start(app, definition, args));
    return new PendingInvocation(
      (async () => {
        const [invocation] = await register([args]);
        if (!invocation) throw new Error(`task '${taskId}': registration returned no invocation`);
        return invocation;
      })(),
    );
  };

  const parallelize = async (
    argsList: ReadonlyArray<readonly unknown[]>,
    options?: { commonArgs?: unknown },
  ): Promise<InvocationGroup<R>> => {
    const commonArgs =
      options?.commonArgs === undefined ? undefined : checkCommonArgs(taskId, argsList, options.commonArgs);
    if (app.devMode) {
      const merged = commonArgs
        ? argsList.map((args) => [{ ...commonArgs, ...(args[0] as object) }])
        : argsList;
      const invocations = await Promise.all(
        merged.map((args) => SyncInvocation.start<R>(app, definition, args)),
      );
      return new SyncInvocationGroup(invocations);
    }
    return new DistributedInvocationGroup(app, await register(argsList, commonArgs));
  };

  const task = Object.assign(call, {
    taskId,
    options: Object.freeze({ ...options }),
    conf,
    logger: app.logger,
    fn,
    parallelize,
  });
  return { task: task as Task<A, R>, definition };
}

function checkCommonArgs(
  taskId: string,
  argsList: ReadonlyArray<readonly unknown[]>,
  commonArgs: unknown,
): Record<string, unknown> {
  if (!isPlainObject(commonArgs)) {
    throw new TaskParallelProcessingError(
      taskId,
      "commonArgs must be a plain object (merged into the single object argument)",
    );
  }
  for (const [index, args] of argsList.entries()) {
    if (!Array.isArray(args) || args.length !== 1 || !isPlainObject(args[0])) {
      throw new TaskParallelProcessingError(
        taskId,
        `with commonArgs every entry must be [object]; entry ${index} is not`,
      );
    }
  }
  return commonArgs;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function resolveRetryClass(app: TaskHost, taskId: string, ref: string | ErrorClass): ErrorClass {
  if (typeof ref !== "string") return ref;
  const cls = app.resolveErrorClass(ref);
  if (!cls) {
    throw new ConfigError(
      `task.${taskId}.retryFor`,
      `error class '${ref}' is unknown to the app; register it with app.registerErrorClasses(${ref})`,
    );
  }
  return cls;
}
