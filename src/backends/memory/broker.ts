import type { Broker } from "../contract/broker.js";
import type { MemoryStore } from "./store.js";

export class MemoryBroker implements Broker {
  constructor(private readonly store: MemoryStore) {}

  async size(): Promise<number> {
    return this.store.queue.size;
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted || this.store.queue.hasDue(Date.now())) return resolve();
      const dueAt = this.store.queue.nextDueAt();
      const wait = dueAt === undefined ? timeoutMs : Math.max(0, Math.min(timeoutMs, dueAt - Date.now()));
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        removeWaiter();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const removeWaiter = this.store.addWorkWaiter(done);
      timer = setTimeout(done, wait);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  async purge(): Promise<void> {
    this.store.queue.clear();
  }
}
