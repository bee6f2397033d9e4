import type { Redis } from "ioredis";
import type { Broker } from "../contract/broker.js";
import type { RedisKeys } from "./keys.js";
import type { RedisNotifier } from "./notifier.js";
import type { QueueMemo } from "./queue-memo.js";
import { asArray } from "./replies.js";
import type { RedisScripts } from "./scripts.js";

interface QueueState {
  ready: number;
  delayed: number;
  /** When the earliest delayed entry becomes claimable, or null. */
  nextDueAt: number | null;
}

/**
 * The queue as the runner sees it. Entries are written by the orchestrator's scripts; this side
 * counts them and waits for work by pub/sub: the scripts publish on the app's work channel
 * whenever they queue something, and the waiter re-checks the queue once subscribed, so a push
 * made before the wait is never missed. The re-check is skipped when this process's latest claim
 * left the queue empty and no work was announced since (QueueMemo).
 */
export class RedisBroker implements Broker {
  constructor(
    private readonly client: Redis,
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
    private readonly notifier: RedisNotifier,
    private readonly queueMemo: QueueMemo,
  ) {}

  async size(): Promise<number> {
    const state = await this.queueState();
    return state.ready + state.delayed;
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        removeWaiter();
        signal?.removeEventListener("abort", finish);
        resolve();
      };
      const removeWaiter = this.notifier.addWorkWaiter(finish);
      timer = setTimeout(finish, Math.max(0, timeoutMs));
      signal?.addEventListener("abort", finish, { once: true });
      const waitFor = (state: { ready: number; nextDueAt: number | null }) => {
        if (finished) return;
        const now = Date.now();
        if (state.ready > 0 || (state.nextDueAt !== null && state.nextDueAt <= now)) return finish();
        if (state.nextDueAt === null) return;
        const remaining = Math.max(0, timeoutMs - (now - started));
        clearTimeout(timer);
        timer = setTimeout(finish, Math.min(remaining, state.nextDueAt - now));
      };
      const idle = this.queueMemo.knownIdle();
      if (idle) return waitFor({ ready: 0, nextDueAt: idle.nextDueAt });
      this.notifier
        .subscribe()
        .then(() => this.queueState())
        // Redis unreachable: the timeout still ends the wait, and the caller's claim reports it.
        .then(waitFor, () => {});
    });
  }

  async purge(): Promise<void> {
    await this.client.del(this.keys.queue, this.keys.delayed, this.keys.waited);
  }

  private async queueState(): Promise<QueueState> {
    const reply = asArray(await this.scripts.run("queueState", [this.keys.queue, this.keys.delayed]), "size");
    const [ready, delayed, nextDueAt] = reply;
    return {
      ready: Number(ready ?? 0),
      delayed: Number(delayed ?? 0),
      nextDueAt: nextDueAt === null || nextDueAt === undefined ? null : Number(nextDueAt),
    };
  }
}
