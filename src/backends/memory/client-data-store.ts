import type { ClientDataStore } from "../contract/client-data-store.js";
import type { MemoryStore } from "./store.js";

export class MemoryClientDataStore implements ClientDataStore {
  constructor(private readonly store: MemoryStore) {}

  async put(key: string, value: string): Promise<void> {
    if (!this.store.clientData.has(key)) this.store.clientData.set(key, value);
  }

  async get(key: string): Promise<string | null> {
    return this.store.clientData.get(key) ?? null;
  }

  async purge(): Promise<void> {
    this.store.clientData.clear();
  }
}
