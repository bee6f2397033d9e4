import type { HistoryEntry, InvocationRecord, StoredOutcome } from "../contract/records.js";
import type { StateBackend } from "../contract/state-backend.js";
import { type AppContext, parseHistory } from "./writes.js";

/**
 * Reads of the invocation rows and histories the orchestrator's primitives write, plus the
 * runner contexts.
 */
export class SqliteStateBackend implements StateBackend {
  constructor(private readonly ctx: AppContext) {}

  getInvocation(invocationId: string): Promise<InvocationRecord | null> {
    return this.ctx.conn.read(() => {
      const record = this.ctx.st.record.get(this.ctx.appId, invocationId);
      return record === undefined ? null : (JSON.parse(record) as InvocationRecord);
    });
  }

  getHistory(invocationId: string): Promise<HistoryEntry[]> {
    return this.ctx.conn.read(() => {
      const history = this.ctx.st.history.get(this.ctx.appId, invocationId);
      return history === undefined ? [] : parseHistory(history);
    });
  }

  getOutcome(invocationId: string): Promise<StoredOutcome> {
    return this.ctx.conn.read(() => {
      const row = this.ctx.st.outcome.get(this.ctx.appId, invocationId);
      return { result: row?.result ?? null, error: row?.error ?? null };
    });
  }

  getChildInvocationIds(parentInvocationId: string): Promise<string[]> {
    return this.ctx.conn.read(() => this.ctx.st.children.all(this.ctx.appId, parentInvocationId));
  }

  storeRunnerContext(runnerId: string, context: string): Promise<void> {
    const { st, appId } = this.ctx;
    return this.ctx.conn.write(this.ctx.hub, () => {
      st.putRunnerContext.run(appId, runnerId, context);
    });
  }

  getRunnerContext(runnerId: string): Promise<string | null> {
    return this.ctx.conn.read(() => this.ctx.st.runnerContext.get(this.ctx.appId, runnerId) ?? null);
  }

  purge(): Promise<void> {
    return this.ctx.conn.purge(this.ctx.appId, "orchestrator");
  }
}
