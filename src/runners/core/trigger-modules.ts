import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Logger } from "../../logging/logger.js";

/**
 * Imports `modules` (paths relative to the working directory, or package names), so the tasks
 * and triggers they declare are registered. A module that fails to import is logged, not fatal.
 */
export async function importTriggerTaskModules(
  modules: readonly string[],
  logger: Logger,
  runnerId: string,
): Promise<void> {
  for (const name of modules) {
    const specifier = name.startsWith(".") || isAbsolute(name) ? pathToFileURL(resolve(name)).href : name;
    try {
      await import(specifier);
    } catch (error) {
      logger.error(`runner:${runnerId} could not import trigger task module '${name}': ${String(error)}`);
    }
  }
}
