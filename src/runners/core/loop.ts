import { RunnerNotExecutableError } from "../../errors/errors.js";
import { sleep } from "./idle-wait.js";

/** The longest the runner loop runs without letting timers and I/O in. */
const LOOP_YIELD_MS = 5;

export interface LoopSteps {
  /** Whether to go on (false once a stop was asked for). */
  isRunning(): boolean;
  /** One turn: heartbeats of children, global services, one iteration of the executor. */
  turn(): Promise<void>;
  /** A turn failed (`failures` in a row); the loop waits `backoffMs`, then goes on. */
  onFailure(error: unknown, failures: number, backoffMs: number): void;
}

/**
 * The runner loop: turns until stopped. A failing turn is retried after a growing backoff (up to
 * 5 s), except a RunnerNotExecutableError, which ends the loop (a runner that cannot execute
 * would fail forever).
 */
export async function runLoop(steps: LoopSteps): Promise<void> {
  let failures = 0;
  let yieldedAt = Date.now();
  while (steps.isRunning()) {
    try {
      await steps.turn();
      failures = 0;
    } catch (error) {
      if (error instanceof RunnerNotExecutableError) throw error;
      failures++;
      const backoffMs = Math.min(5_000, 50 * 2 ** Math.min(failures, 7));
      steps.onFailure(error, failures, backoffMs);
      await sleep(backoffMs);
    }
    // Let timers (heartbeats) and I/O run even when every turn finds work at once (a backend
    // answering from memory never yields by itself); not on every turn, which would delay the
    // claim that follows a wake-up.
    if (Date.now() - yieldedAt >= LOOP_YIELD_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yieldedAt = Date.now();
    }
  }
}
