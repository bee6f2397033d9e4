import type { ClientDataStore } from "../contract/client-data-store.js";
import type { AppContext } from "./writes.js";

/** Content-addressed values of one app: the first put of a key wins. */
export class SqliteClientDataStore implements ClientDataStore {
  constructor(private readonly ctx: AppContext) {}

  put(key: string, value: string): Promise<void> {
    const { st, appId } = this.ctx;
    return this.ctx.conn.write(this.ctx.hub, () => {
      st.putClientData.run(appId, key, value);
    });
  }

  get(key: string): Promise<string | null> {
    return this.ctx.conn.read(() => this.ctx.st.clientData.get(this.ctx.appId, key) ?? null);
  }

  purge(): Promise<void> {
    return this.ctx.conn.purge(this.ctx.appId, "clientData");
  }
}
