import type { LogFormat, LoggingLevel, RunnerName, SerializerName } from "../config/index.js";
import { Tsnenc, type TsnencConfig, type TsnencEnvironment } from "./tsnenc.js";

/** A fluent way to write an app's config in code; `build()` validates it and returns the app. */
export class TsnencBuilder {
  private readonly values: Record<string, unknown> = {};
  private env: TsnencEnvironment = {};

  appId(appId: string): this {
    return this.set({ appId });
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

  postgres(options: { url?: string } = {}): this {
    return this.set({ backend: "postgres", ...(options.url ? { postgresUrl: options.url } : {}) });
  }

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
