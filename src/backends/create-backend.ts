import type { AppConfig } from "../config/index.js";
import { ConfigError } from "../errors/errors.js";
import type { Backend } from "./contract/index.js";
import { createMemoryBackend } from "./memory/index.js";

/** The backend named by config `backend`, for the app's id. */
export function createBackend(conf: AppConfig): Backend {
  switch (conf.backend) {
    case "memory":
      return createMemoryBackend({ appId: conf.appId });
    default:
      throw new ConfigError(
        "backend",
        `'${conf.backend}' is not available in this version of tsnenc (available: memory)`,
      );
  }
}
