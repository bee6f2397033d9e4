import type { ConcurrencyControlMode } from "../config/index.js";
import type { ErrorClass } from "../errors/errors.js";
import { hasBrand } from "../identity/brand.js";

/** The resolved, per-task settings the engine applies when it registers and executes. */
export interface TaskSettings {
  readonly maxRetries: number;
  readonly retryFor: readonly ErrorClass[];
  readonly retryDelayMs: number;
  readonly retryBackoffFactor: number;
  readonly retryMaxDelayMs: number;
  readonly forceNewWorkflow: boolean;
  readonly parallelBatchSize: number;
  readonly registrationConcurrency: ConcurrencyControlMode;
  readonly runningConcurrency: ConcurrencyControlMode;
  readonly concurrencyLimit: number;
  readonly keyArguments: readonly string[];
  readonly onDiffNonKeyArgsRaise: boolean;
  readonly rerouteOnConcurrencyControl: boolean;
  readonly disableCacheArgs: readonly string[];
}

/** A registered task as the engine sees it. */
export interface TaskDefinition {
  readonly taskId: string;
  readonly fn: (...args: never[]) => unknown;
  /** Read at each use, so run-time config changes apply. */
  settings(): TaskSettings;
}

/** Delay before retry number `attempt` (1-based): base * factor^(attempt-1), capped. */
export function retryDelayFor(settings: TaskSettings, attempt: number): number {
  if (settings.retryDelayMs <= 0) return 0;
  const delay = settings.retryDelayMs * settings.retryBackoffFactor ** Math.max(0, attempt - 1);
  const capped = settings.retryMaxDelayMs > 0 ? Math.min(delay, settings.retryMaxDelayMs) : delay;
  // Without a configured max, a long backoff still stays a finite, storable time.
  return Math.min(capped, LONGEST_RETRY_DELAY_MS);
}

/** The longest retry delay whatever the backoff (about 24.8 days, the longest Node timer). */
export const LONGEST_RETRY_DELAY_MS = 2_147_483_647;

/** A RetryError (by brand, so copies of the class match) or an instance of any class in `retryFor`. */
export function isRetriable(error: unknown, settings: TaskSettings): boolean {
  if (hasBrand<Error>(error, "RetryError")) return true;
  if (!(error instanceof Error)) return false;
  return settings.retryFor.some((cls) => error instanceof cls);
}
