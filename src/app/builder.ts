import type { Backend } from "../backends/contract/index.js";
import type { BackendDefinition } from "../backends/definition.js";
import type { BackendName } from "../backends/names.js";
import type { LogFormat, LoggingLevel, RunnerName, SerializerName } from "../config/index.js";
import { Tsnenc, type TsnencConfig, type TsnencEnvironment } from "./tsnenc.js";

/** A fluent way to write an app's config in code; `build()` validates it and returns the app. */
export class TsnencBuilder {
  private readonly values: Record<string, unknown> = {};
  private env: TsnencEnvironment = {};

  appId(appId: string): this {
    return this.set({ appId });
  }

  /**
   * The backend: a registered name (`"memory"`, `"sqlite"`, `"redis"`, or one given to
   * `registerBackend()`), or a backend of the user's own: a `BackendDefinition`
   * (`{ name, capabilities, create({ appId, config }) }`) or an opened `Backend`. See
   * `TsnencConfig`. An unknown name is refused by `build()`.
   */
  backend(backend: BackendName | BackendDefinition | Backend): this {
    return this.set({ backend });
  }

  memory(): this {
    return this.set({ backend: "memory" });
  }

  sqlite(options: { path?: string } = {}): this {
    return this.set({ backend: "sqlite", ...(options.path ? { sqlitePath: options.path } : {}) });
  }

  redis(options: { url?: string } = {}): this {
    return this.set({ backend: "redis", ...(options.url ? { redisUrl: options.url } : {}) });
  }

  /**
   * PostgreSQL backend: no such backend ships in this version, so `build()` refuses it with a
   * ConfigError naming `backend` (and `postgresUrl`), unless a backend named `postgres` has been
   * registered with `registerBackend()`.
   */
  postgres(options: { url?: string } = {}): this {
    return this.set({ backend: "postgres", ...(options.url ? { postgresUrl: options.url } : {}) });
  }

  /**
   * RabbitMQ as the broker: no such broker ships in this version, so `build()` refuses it with a
   * ConfigError naming `broker`. Kept so the refusal says why.
   */
  rabbitmqBroker(options: { url?: string } = {}): this {
    return this.set({ broker: "rabbitmq", ...(options.url ? { rabbitmqUrl: options.url } : {}) });
  }

  runner(runner: RunnerName): this {
    return this.set({ runner });
  }

  asyncRunner(options: { maxConcurrency?: number } = {}): this {
    return this.set({
      runner: "AsyncRunner",
      ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    });
  }

  devMode(forceSyncTasks = true): this {
    return this.set({ devModeForceSyncTasks: forceSyncTasks });
  }

  logging(options: { level?: LoggingLevel; format?: LogFormat; stream?: "stdout" | "stderr" }): this {
    return this.set({
      ...(options.level ? { loggingLevel: options.level } : {}),
      ...(options.format ? { logFormat: options.format } : {}),
      ...(options.stream ? { logStream: options.stream } : {}),
    });
  }

  serializer(name: SerializerName): this {
    return this.set({ serializer: name });
  }

  /** Any other config fields. */
  custom(values: TsnencConfig): this {
    return this.set(values as Record<string, unknown>);
  }

  /** Where config files and env are read from (tests). */
  environment(environment: TsnencEnvironment): this {
    this.env = environment;
    return this;
  }

  build(): Tsnenc {
    return new Tsnenc({ ...this.values } as TsnencConfig, this.env);
  }

  private set(values: Record<string, unknown>): this {
    Object.assign(this.values, values);
    return this;
  }
}
