import { randomUUID } from "node:crypto";
import { afterEach } from "vitest";
import type { ClientDataStore } from "../../src/backends/contract/client-data-store.js";
import type { Backend } from "../../src/backends/contract/index.js";
import { createMemoryBackend } from "../../src/backends/memory/index.js";
import { ClientDataCodec, type ClientDataSettings } from "../../src/client-data/index.js";
import { createSerializer } from "../../src/serializer/index.js";

/** The memory client data store, counting the calls made to it. */
export class CountingStore implements ClientDataStore {
  puts: string[] = [];
  gets: string[] = [];
  constructor(private readonly inner: ClientDataStore) {}
  async put(key: string, value: string): Promise<void> {
    this.puts.push(key);
    await new Promise((resolve) => setTimeout(resolve, 1)); // a real round trip, so puts overlap
    await this.inner.put(key, value);
  }
  async get(key: string): Promise<string | null> {
    this.gets.push(key);
    return this.inner.get(key);
  }
  async purge(): Promise<void> {
    await this.inner.purge();
  }
}

export interface Harness {
  codec: ClientDataCodec;
  store: CountingStore;
  backend: Backend;
  settings: ClientDataSettings;
  warnings: string[];
}

/** A codec over a fresh memory backend (closed after each test); `settings` stays mutable. */
export function useCodec(): (overrides?: Partial<ClientDataSettings>) => Harness {
  const backends: Backend[] = [];
  afterEach(async () => {
    for (const backend of backends.splice(0)) await backend.close();
  });
  return (overrides = {}) => {
    const backend = createMemoryBackend({ appId: `client-data-${randomUUID()}` });
    backends.push(backend);
    const store = new CountingStore(backend.clientDataStore);
    const settings: ClientDataSettings = {
      minSizeToCache: 1024,
      maxSizeToCache: 0,
      localCacheSize: 1024,
      disableClientDataStore: false,
      ...overrides,
    };
    const warnings: string[] = [];
    const codec = new ClientDataCodec({
      serializer: createSerializer("json"),
      store,
      settings: () => settings,
      logger: { warn: (message) => warnings.push(message) },
    });
    return { codec, store, backend, settings, warnings };
  };
}

/** A string whose tagged-JSON text is exactly `length` characters (the two quotes included). */
export function sized(length: number, fill = "a"): string {
  return fill.repeat(length - 2);
}

export const REFERENCE = /^__tsnenc__client_data__:[0-9a-f]{64}$/;
