import type { AppConfig } from "../config/index.js";
import { ConfigError } from "../errors/errors.js";
import type { Backend } from "./contract/index.js";
import { createMemoryBackend } from "./memory/index.js";
import { createRedisBackend } from "./redis/index.js";
import { createSqliteBackend } from "./sqlite/index.js";

/** The backend named by config `backend`, for the app's id. */
export function createBackend(conf: AppConfig): Backend {
  switch (conf.backend) {
    case "memory":
      return createMemoryBackend({ appId: conf.appId });
    case "sqlite":
      return createSqliteBackend({ appId: conf.appId, path: conf.sqlitePath });
    case "redis":
      // ioredis itself is loaded on first use (optional peer dependency), not by this import.
      return createRedisBackend({ appId: conf.appId, url: conf.redisUrl || "redis://127.0.0.1:6379" });
    default:
      throw new ConfigError(
        "backend",
        `'${conf.backend}' is not available in this version of tsnenc (available: memory, sqlite, redis)`,
      );
  }
}
