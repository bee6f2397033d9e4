import type { Broker } from "../contract/broker.js";
import type { AppContext } from "./writes.js";

/**
 * The queue table as the runner sees it. `waitForWork` resolves at once when a due entry is
 * queued; otherwise registrations and requeues of this process wake it directly, and the app
 * hub's poll (data_version) notices entries queued by other processes.
 */
export class SqliteBroker implements Broker {
  private readonly waiting = new Set<() => void>();
  private closed = false;

  constructor(private readonly ctx: AppContext) {}

  size(): Promise<number> {
    return this.ctx.conn.read(() => this.ctx.st.queueSize.get(this.ctx.appId) ?? 0);
  }

  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed || signal?.aborted) return resolve();
      let dueAt: number | null;
      try {
        dueAt = this.ctx.st.nextDueAt.get(this.ctx.appId) ?? null;
      } catch {
        return resolve();
      }
      const now = Date.now();
      if (dueAt !== null && dueAt <= now) return resolve();
      const wait = dueAt === null ? timeoutMs : Math.min(timeoutMs, dueAt - now);
      let timer: NodeJS.Timeout | undefined;
      let removeWaiter: () => void = () => {};
      const done = () => {
        if (timer) clearTimeout(timer);
        removeWaiter();
        this.waiting.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      removeWaiter = this.ctx.hub.addWorkWaiter(done);
      this.waiting.add(done);
      timer = setTimeout(done, Math.max(0, wait));
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  purge(): Promise<void> {
    return this.ctx.conn.purge(this.ctx.appId, "queue");
  }

  /** Resolves the waits started through this backend (it is closing). */
  close(): void {
    this.closed = true;
    for (const done of [...this.waiting]) done();
  }
}
