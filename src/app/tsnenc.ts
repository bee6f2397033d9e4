import type { Backend } from "../backends/contract/index.js";
import {
  checkBackendSettings,
  createBackend,
  guardBackendAssignments,
  resolveBackendDefinition,
} from "../backends/create-backend.js";
import { type BackendDefinition, definitionGivenInCode } from "../backends/definition.js";
import type { BackendName } from "../backends/names.js";
import { ClientDataCodec } from "../client-data/index.js";
import { type AppConfig, type AppConfigValues, createAppConfig, loadConfigSources } from "../config/index.js";
import type { RunnerHandle } from "../context/execution-context.js";
import type { EngineSettings } from "../engine/app-core.js";
import { FinalityWatcher } from "../engine/finality-watcher.js";
import type { TaskDefinition } from "../engine/task-definition.js";
import type { ErrorClass } from "../errors/errors.js";
import { ConfigError, DuplicateTaskError, InvalidTaskOptionsError } from "../errors/errors.js";
import { brandClass } from "../identity/brand.js";
import { createLogger, type Logger } from "../logging/logger.js";
import type { BaseRunner } from "../runners/base-runner.js";
import { externalRunnerContext } from "../runners/runner-context.js";
import type { Serializer } from "../serializer/contract.js";
import { defaultKnownErrorClasses } from "../serializer/error-codec.js";
import { createSerializer, type RegistrableClass } from "../serializer/index.js";
import { type DirectTaskOptions, directCaller, splitDirectTaskOptions } from "../task/direct-task.js";
import { createTask, type Task, type TaskHost } from "../task/task.js";
import type { TaskOptions } from "../task/task-options.js";
import { AppRunners } from "./app-runners.js";

/**
 * Config values for the app; any field of the config (see `tsnenc config show`). In code,
 * `backend` may also be a backend of the user's own:
 * - a {@link BackendDefinition} (`{ name, capabilities, create({ appId, config, cwd }) }`), opened
 *   by the app for its id;
 * - or an opened {@link Backend} (the four contracts, `kind` and `capabilities`), which the app
 *   uses as it is and closes in `app.close()`.
 *
 * Either way config `backend` resolves to its name (so `tsnenc config show` prints the name),
 * and a higher-priority source naming another backend (e.g. `TSNENC__BACKEND=redis`) still
 * wins. Names of registered backends (`registerBackend()`) are plain strings.
 */
export type TsnencConfig = Omit<Partial<AppConfigValues>, "backend"> & {
  backend?: BackendName | BackendDefinition | Backend;
};

/** Where the app reads its config files and environment from (defaults: cwd and process.env). */
export interface TsnencEnvironment {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** A tsnenc app: its tasks, config, backend and runner. */
export class Tsnenc implements TaskHost {
  // Recognised by this brand (`hasBrand(value, "Tsnenc")`), not by its class name.
  static {
    brandClass(Tsnenc, "Tsnenc");
  }

  readonly conf: AppConfig;
  readonly externalRunnerId = externalRunnerContext().runnerId;
  private readonly taskMap = new Map<string, Task<never[], unknown>>();
  private readonly definitions = new Map<string, TaskDefinition>();
  private readonly errorClasses = defaultKnownErrorClasses() as Map<string, ErrorClass>;
  private readonly serializableClasses: RegistrableClass[] = [];
  /** The backend given in code as an object (definition or opened backend), if any. */
  private readonly ownBackend: BackendDefinition | undefined;
  private lazyBackend: Backend | undefined;
  private lazyLogger: Logger | undefined;
  private lazySerializer: Serializer | undefined;
  private lazyFinality: FinalityWatcher | undefined;
  private lazyClientData: ClientDataCodec | undefined;
  private readonly runners = new AppRunners(this, () => this.conf.runner);

  /**
   * Builds the app: resolves its config from `config` and every other source, and checks the
   * backend choice (config `backend` names a registered backend or the one given here; no
   * `broker`, `rabbitmqUrl` or `postgresUrl` with nothing behind it). Bad values throw a
   * ConfigError naming the key, the value and the allowed values. Nothing connects yet: the
   * backend opens on first use.
   */
  constructor(config: TsnencConfig = {}, environment: TsnencEnvironment = {}) {
    const { backend, ...rest } = config;
    this.ownBackend = definitionGivenInCode(backend);
    const codeValues: Record<string, unknown> = { ...rest };
    if (backend !== undefined) codeValues.backend = this.ownBackend?.name ?? backend;
    this.conf = createAppConfig(codeValues, loadConfigSources(environment));
    resolveBackendDefinition(this.conf, this.ownBackend);
    checkBackendSettings(this.conf, this.ownBackend);
    guardBackendAssignments(this.conf, this.ownBackend, () => this.lazyBackend);
  }

  get appId(): string {
    return this.conf.appId;
  }

  /**
   * The app's backend, opened on first use from config `backend` (a run-time assignment made
   * before then counts, and is checked like the constructor's value).
   */
  get backend(): Backend {
    if (!this.lazyBackend) {
      checkBackendSettings(this.conf, this.ownBackend);
      this.lazyBackend = createBackend(this.conf, this.ownBackend);
    }
    return this.lazyBackend;
  }

  get logger(): Logger {
    this.lazyLogger ??= createLogger({
      appId: this.appId,
      level: this.conf.loggingLevel,
      format: this.conf.logFormat,
      stream: this.conf.logStream,
    });
    return this.lazyLogger;
  }

  get serializer(): Serializer {
    this.lazySerializer ??= createSerializer(this.conf.serializer, this.serializableClasses);
    return this.lazySerializer;
  }

  get clientData(): ClientDataCodec {
    this.lazyClientData ??= new ClientDataCodec({
      serializer: this.serializer,
      store: this.backend.clientDataStore,
      settings: () => ({
        minSizeToCache: this.conf.minSizeToCache,
        maxSizeToCache: this.conf.maxSizeToCache,
        localCacheSize: this.conf.localCacheSize,
        disableClientDataStore: this.conf.disableClientDataStore,
      }),
      logger: this.logger,
    });
    return this.lazyClientData;
  }

  get finality(): FinalityWatcher {
    this.lazyFinality ??= new FinalityWatcher(
      this.backend.orchestrator,
      () => this.conf.resultWaitSafetyPollMs,
    );
    return this.lazyFinality;
  }

  get settings(): EngineSettings {
    return this.conf;
  }

  get triggerTaskModules(): readonly string[] {
    return this.conf.triggerTaskModules;
  }

  get devMode(): boolean {
    return this.conf.devModeForceSyncTasks;
  }

  /** The registered tasks by id. */
  get tasks(): ReadonlyMap<string, Task<never[], unknown>> {
    return this.taskMap;
  }

  /**
   * The runner of this process: inside a task, the runner executing it; else the runner this
   * process runs (the latest started, while it runs); else the runner set on the app or the
   * one config `runner` names, when one is configured; else an `ExternalRunner` placeholder,
   * whose `run()` throws a RunnerNotExecutableError.
   */
  get runner(): BaseRunner {
    return this.runners.current();
  }

  /** Sets the app's runner; `undefined` forgets it (the next read builds one from config `runner`). */
  set runner(runner: BaseRunner | undefined) {
    this.runners.choose(runner);
  }

  /** @internal Called by runners as they start and stop (see `runner`). */
  setRunningRunner(runner: RunnerHandle, running: boolean): void {
    this.runners.setRunning(runner, running);
  }

  /** Registers a task. `id` must be unique in the app; options are validated now. */
  task<A extends unknown[], R>(
    id: string,
    fn: (...args: A) => R | Promise<R>,
    options: TaskOptions = {},
  ): Task<A, Awaited<R>> {
    if (typeof id !== "string" || id.length === 0) {
      throw new InvalidTaskOptionsError(String(id), "the task id must be a non-empty string");
    }
    if (this.taskMap.has(id)) throw new DuplicateTaskError(id, "is already registered in this app");
    if (typeof fn !== "function")
      throw new InvalidTaskOptionsError(id, "the task function is not a function");
    let created: ReturnType<typeof createTask<A, Awaited<R>>>;
    try {
      const conf = this.conf.taskConfig(id, options as Record<string, unknown>);
      created = createTask<A, Awaited<R>>(
        this,
        id,
        fn as (...args: A) => Awaited<R> | Promise<Awaited<R>>,
        options,
        conf,
      );
    } catch (error) {
      if (error instanceof ConfigError)
        throw new InvalidTaskOptionsError(id, error.message, { cause: error });
      throw error;
    }
    this.taskMap.set(id, created.task as unknown as Task<never[], unknown>);
    this.definitions.set(id, created.definition);
    for (const cls of created.definition.settings().retryFor) this.registerErrorClasses(cls);
    return created.task;
  }

  /**
   * A plain async function with `fn`'s signature that routes the call and returns its result.
   * With `parallelFunc` and `aggregateFunc`, one call is split into many invocations whose
   * results are aggregated.
   */
  directTask<A extends unknown[], R>(
    id: string,
    fn: (...args: A) => R | Promise<R>,
    options?: TaskOptions,
  ): (...args: A) => Promise<Awaited<R>>;
  directTask<A extends unknown[], R, T>(
    id: string,
    fn: (...args: A) => R | Promise<R>,
    options: DirectTaskOptions<A, Awaited<R>, T> & {
      aggregateFunc: (results: Awaited<R>[]) => T | Promise<T>;
    },
  ): (...args: A) => Promise<Awaited<T>>;
  directTask<A extends unknown[], R, T>(
    id: string,
    fn: (...args: A) => R | Promise<R>,
    options: DirectTaskOptions<A, Awaited<R>, T> = {},
  ): (...args: A) => Promise<Awaited<R> | Awaited<T>> {
    const { taskOptions, parallelFunc, aggregateFunc } = splitDirectTaskOptions(id, options);
    const task = this.task(id, fn, taskOptions);
    return directCaller(task, parallelFunc, aggregateFunc) as (
      ...args: A
    ) => Promise<Awaited<R> | Awaited<T>>;
  }

  getTask(id: string): Task<never[], unknown> | undefined {
    return this.taskMap.get(id);
  }

  /** Error classes `result()` rebuilds by name (the same class, not just the same name and message). */
  registerErrorClasses(...classes: ErrorClass[]): this {
    for (const cls of classes) this.errorClasses.set(cls.name, cls);
    return this;
  }

  /** Classes with `toJSON()` and a static `fromJSON()` that arguments and results may carry. */
  registerSerializableClasses(...classes: RegistrableClass[]): this {
    this.serializableClasses.push(...classes);
    this.lazySerializer = undefined;
    this.lazyClientData = undefined;
    return this;
  }

  getTaskDefinition(taskId: string): TaskDefinition | undefined {
    return this.definitions.get(taskId);
  }

  knownTaskIds(): Iterable<string> {
    return this.definitions.keys();
  }

  knownErrorClasses(): ReadonlyMap<string, ErrorClass> {
    return this.errorClasses;
  }

  resolveErrorClass(name: string): ErrorClass | undefined {
    return this.errorClasses.get(name);
  }

  /** Deletes everything this app stored in its backend. */
  async purge(): Promise<void> {
    await this.backend.purge();
    this.lazyClientData?.clearLocalCache();
  }

  /** Releases the backend's connections and the app's watchers. */
  async close(): Promise<void> {
    this.lazyFinality?.close();
    this.lazyFinality = undefined;
    await this.lazyBackend?.close();
    this.lazyBackend = undefined;
    this.lazyClientData = undefined;
  }
}
