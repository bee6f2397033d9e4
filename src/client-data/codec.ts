/**
 * The client data codec (pynenc's client data store): serialized values at least
 * `minSizeToCache` characters long are kept out of invocation records. They are written once to
 * the backend's ClientDataStore under a content-addressed key,
 * `"__tsnenc__client_data__:" + sha256hex(utf-8 text)`, and the key travels in their place.
 *
 * Sizes are measured in UTF-16 code units (`string.length`). A reference can never be confused
 * with inline text: the tagged-JSON serializer always produces a JSON text (starting with `"`, `{`,
 * `[`, a digit, `-`, `t`, `f` or `n`) and the v8 serializer base64 (no `_`, no `:`); any
 * serializer output starting with the prefix is refused.
 *
 * Local cache: a per-codec LRU of the stored serialized TEXT by key (capacity `localCacheSize`
 * entries). A hit saves the store round trip; the value is still deserialized on every call, so
 * every caller gets its own copy: a task that mutates its argument, or a caller that mutates a
 * value after passing it, never affects another invocation in the same process.
 */
import { createHash } from "node:crypto";
import type { ClientDataStore } from "../backends/contract/client-data-store.js";
import { SerializationError } from "../errors/errors.js";
import type { Serializer } from "../serializer/contract.js";
import { LruCache } from "./lru.js";

/** The prefix of every client data reference. */
export const CLIENT_DATA_PREFIX = "__tsnenc__client_data__:";

/** Above this many characters a stored value is logged as a warning (10 MiB). */
export const DEFAULT_WARN_THRESHOLD = 10 * 1024 * 1024;

export interface ClientDataSettings {
  minSizeToCache: number;
  /** 0 = no maximum. */
  maxSizeToCache: number;
  localCacheSize: number;
  disableClientDataStore: boolean;
  warnThreshold?: number;
}

export interface ClientDataCodecOptions {
  serializer: Serializer;
  store: ClientDataStore;
  /** Read at every call, so run-time config changes apply. */
  settings: () => ClientDataSettings;
  /** Receives size warnings; without it they are dropped. */
  logger?: { warn(message: string): void };
}

export interface SerializeOptions {
  /** Keep the value inline whatever its size. */
  disableCache?: boolean;
  /** Names the value in warnings, e.g. "task 'x' argument 0". */
  label?: string;
}

/** True when `text` is a client data reference (a key) rather than inline serialized text. */
export function isClientDataReference(text: string): boolean {
  return text.startsWith(CLIENT_DATA_PREFIX);
}

/** The reference key of a serialized text: the prefix and the SHA-256 hex digest of its UTF-8. */
export function clientDataKey(serialized: string): string {
  return CLIENT_DATA_PREFIX + createHash("sha256").update(serialized, "utf8").digest("hex");
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ClientDataCodec {
  private readonly serializer: Serializer;
  private readonly store: ClientDataStore;
  private readonly settings: () => ClientDataSettings;
  private readonly logger: { warn(message: string): void } | undefined;
  private readonly cache: LruCache<string>;
  private readonly pendingPuts = new Map<string, Promise<void>>();
  private readonly pendingGets = new Map<string, Promise<string>>();

  constructor(options: ClientDataCodecOptions) {
    this.serializer = options.serializer;
    this.store = options.store;
    this.settings = options.settings;
    this.logger = options.logger;
    this.cache = new LruCache<string>(() => this.settings().localCacheSize);
  }

  /** Entries in the local cache (for diagnostics and tests). */
  get localCacheEntries(): number {
    return this.cache.size;
  }

  /**
   * Serializes `value`: the inline text, or the reference of the stored text when it is large
   * enough. A string that already is a reference is returned unchanged (unless caching is
   * disabled, then it is serialized inline as the string it is, as in pynenc).
   */
  async serialize(value: unknown, options: SerializeOptions = {}): Promise<string> {
    return this.serializeNow(value, options);
  }

  /**
   * As `serialize`, but a value that stays inline (the common case) comes back at once, not
   * as a promise; one that goes to the store comes back as a promise of its reference.
   */
  serializeNow(value: unknown, options: SerializeOptions = {}): string | Promise<string> {
    const settings = this.settings();
    const disable = settings.disableClientDataStore || options.disableCache === true;
    const text = this.encode(value, disable);
    if (isClientDataReference(text) || disable || text.length < settings.minSizeToCache) return text;
    return this.place(text, disable, settings, options.label);
  }

  /**
   * Applies the size policy to text that is already serialized (e.g. an encoded error): the text
   * itself, or the reference it is stored under. A reference is returned unchanged.
   */
  async externalize(serialized: string, options: SerializeOptions = {}): Promise<string> {
    const settings = this.settings();
    const disable = settings.disableClientDataStore || options.disableCache === true;
    return this.place(serialized, disable, settings, options.label);
  }

  /**
   * The serialized text behind `text`: the stored text for a reference (local cache, else the
   * store; a missing key is a SerializationError), `text` itself otherwise.
   */
  async resolve(text: string): Promise<string> {
    if (!isClientDataReference(text)) return text;
    const cached = this.cache.get(text);
    if (cached !== undefined) return cached;
    const pending = this.pendingGets.get(text);
    if (pending !== undefined) return pending;
    const fetching = this.fetch(text).finally(() => this.pendingGets.delete(text));
    this.pendingGets.set(text, fetching);
    return fetching;
  }

  /** The value of inline serialized text or of a reference. */
  async deserialize(text: string): Promise<unknown> {
    return this.serializer.deserialize(await this.resolve(text));
  }

  /**
   * Serializes one call's positional arguments, keyed "0", "1", ... `disableCacheArgs` lists
   * indices ("0") kept inline, or "*" for all. A value that cannot be serialized is refused with
   * a SerializationError naming the task and the argument; store failures propagate as they are.
   */
  async serializeArguments(
    taskId: string,
    args: readonly unknown[],
    disableCacheArgs: readonly string[] = [],
  ): Promise<Record<string, string>> {
    const [serialized] = await this.serializeArgumentsList(taskId, [args], disableCacheArgs);
    return serialized ?? {};
  }

  /**
   * `serializeArguments` for many calls at once (parallelize): values are encoded
   * synchronously and only the large ones wait for the store, so a batch of small calls costs
   * one promise, not one per call.
   */
  async serializeArgumentsList(
    taskId: string,
    argsList: ReadonlyArray<readonly unknown[]>,
    disableCacheArgs: readonly string[] = [],
  ): Promise<Record<string, string>[]> {
    const settings = this.settings();
    const allInline = settings.disableClientDataStore || disableCacheArgs.includes("*");
    const inline = disableCacheArgs.length > 0 ? new Set(disableCacheArgs) : undefined;
    const results: Record<string, string>[] = [];
    // Everything is encoded before anything is stored: a refused call stores nothing.
    const large: Array<{ serialized: Record<string, string>; key: string; text: string; label: string }> = [];
    for (const args of argsList) {
      const serialized: Record<string, string> = {};
      for (let index = 0; index < args.length; index++) {
        const key = String(index);
        const disable = allInline || inline?.has(key) === true;
        let text: string;
        try {
          text = this.encode(args[index], disable);
        } catch (error) {
          throw new SerializationError(
            `task '${taskId}': argument ${index} cannot be serialized: ${reasonOf(error)}`,
            { cause: error },
          );
        }
        serialized[key] = text;
        if (!disable && !isClientDataReference(text) && text.length >= settings.minSizeToCache) {
          large.push({ serialized, key, text, label: `task '${taskId}' argument ${index}` });
        }
      }
      results.push(serialized);
    }
    if (large.length > 0) {
      await Promise.all(
        large.map(async (entry) => {
          entry.serialized[entry.key] = await this.place(entry.text, false, settings, entry.label);
        }),
      );
    }
    return results;
  }

  /**
   * Deserializes arguments made by `serializeArguments`, in numeric key order. A value that
   * cannot be deserialized, or whose client data is missing, is a SerializationError naming the
   * task and the argument; store failures propagate as they are.
   */
  async deserializeArguments(taskId: string, args: Readonly<Record<string, string>>): Promise<unknown[]> {
    return this.deserializeArgumentsNow(taskId, args);
  }

  /**
   * As `deserializeArguments`, but arguments that need nothing from the store (the common case)
   * come back at once, not as a promise (and a failure to decode them is thrown at once).
   */
  deserializeArgumentsNow(
    taskId: string,
    args: Readonly<Record<string, string>>,
  ): unknown[] | Promise<unknown[]> {
    const keys = Object.keys(args).sort((a, b) => Number(a) - Number(b));
    const fail = (key: string, error: unknown): SerializationError =>
      new SerializationError(`task '${taskId}': argument ${key} cannot be deserialized: ${reasonOf(error)}`, {
        cause: error,
      });
    const decode = (key: string, text: string): unknown => {
      try {
        return this.serializer.deserialize(text);
      } catch (error) {
        throw fail(key, error);
      }
    };
    // Nothing to fetch (the common case): decoded at once, without a round of promises.
    if (!keys.some((key) => isClientDataReference(args[key] ?? ""))) {
      return keys.map((key) => decode(key, args[key] ?? ""));
    }
    return Promise.allSettled(keys.map((key) => this.resolve(args[key] ?? ""))).then((resolved) =>
      keys.map((key, index) => {
        const outcome = resolved[index];
        if (outcome === undefined) throw fail(key, "not resolved");
        if (outcome.status === "rejected") {
          throw outcome.reason instanceof SerializationError ? fail(key, outcome.reason) : outcome.reason;
        }
        return decode(key, outcome.value);
      }),
    );
  }

  /** Empties the local cache (call it whenever the store is purged behind the codec's back). */
  clearLocalCache(): void {
    this.cache.clear();
  }

  /** Empties the local cache and the store. */
  async purge(): Promise<void> {
    this.cache.clear();
    await this.store.purge();
  }

  /** The serialized text of `value`, or `value` itself when it is a reference to pass through. */
  private encode(value: unknown, disable: boolean): string {
    if (!disable && typeof value === "string" && isClientDataReference(value)) return value;
    const text = this.serializer.serialize(value);
    if (isClientDataReference(text)) {
      throw new SerializationError(
        `serializer '${this.serializer.name}' produced text starting with the reserved prefix ${CLIENT_DATA_PREFIX}`,
      );
    }
    return text;
  }

  /** Inline text or the reference it is stored under, by the size policy. */
  private async place(
    text: string,
    disable: boolean,
    settings: ClientDataSettings,
    label = "value",
  ): Promise<string> {
    if (isClientDataReference(text) || disable || text.length < settings.minSizeToCache) return text;
    const size = text.length;
    if (settings.maxSizeToCache > 0 && size > settings.maxSizeToCache) {
      this.logger?.warn(
        `client data: ${label} is ${size} characters serialized, over maxSizeToCache ` +
          `${settings.maxSizeToCache}; kept inline`,
      );
      return text;
    }
    const key = clientDataKey(text);
    const warnThreshold = settings.warnThreshold ?? DEFAULT_WARN_THRESHOLD;
    if (size > warnThreshold) {
      this.logger?.warn(
        `client data: ${label} is ${size} characters serialized, over the warning threshold ` +
          `${warnThreshold}; stored as ${key}`,
      );
    }
    await this.put(key, text);
    this.cache.set(key, text);
    return key;
  }

  /** One store write per key at a time: concurrent puts of the same key share the first. */
  private put(key: string, text: string): Promise<void> {
    const pending = this.pendingPuts.get(key);
    if (pending !== undefined) return pending;
    const writing = (async () => this.store.put(key, text))().finally(() => this.pendingPuts.delete(key));
    this.pendingPuts.set(key, writing);
    return writing;
  }

  private async fetch(key: string): Promise<string> {
    const stored = await this.store.get(key);
    if (stored === null) throw new SerializationError(`client data ${key} is missing (purged?)`);
    this.cache.set(key, stored);
    return stored;
  }
}
