import type { ConcurrencyControlMode, ErrorClassRef } from "../config/index.js";

/** Options given to `app.task(...)`. Each can also come from config files and env, per task. */
export interface TaskOptions {
  maxRetries?: number;
  /** Error classes that cause a retry; RetryError always does. */
  retryFor?: readonly ErrorClassRef[];
  /** Delay before the first retry; 0 retries at once. */
  retryDelayMs?: number;
  /** Each further retry waits this factor longer (1: fixed delay, 2: exponential backoff). */
  retryBackoffFactor?: number;
  /** Upper bound of the retry delay (0: none). */
  retryMaxDelayMs?: number;
  runningConcurrency?: ConcurrencyControlMode;
  registrationConcurrency?: ConcurrencyControlMode;
  concurrencyLimit?: number;
  keyArguments?: readonly string[];
  onDiffNonKeyArgsRaise?: boolean;
  rerouteOnConcurrencyControl?: boolean;
  disableCacheArgs?: readonly string[];
  forceNewWorkflow?: boolean;
  parallelBatchSize?: number;
}
