import type { Redis } from "ioredis";
import type { ClientDataStore } from "../contract/client-data-store.js";
import type { RedisKeys } from "./keys.js";

/** Content-addressed values in one hash of the app: HSETNX makes a second put a no-op. */
export class RedisClientDataStore implements ClientDataStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async put(key: string, value: string): Promise<void> {
    await this.client.hsetnx(this.keys.clientData, key, value);
  }

  async get(key: string): Promise<string | null> {
    return this.client.hget(this.keys.clientData, key);
  }

  async purge(): Promise<void> {
    await this.client.del(this.keys.clientData);
  }
}
