/** Content-addressed storage of large serialized values (arguments, results, errors). */
export interface ClientDataStore {
  /** Stores `value` under `key`; storing the same key again is a no-op. */
  put(key: string, value: string): Promise<void>;
  /** The value, or null when the key is unknown. */
  get(key: string): Promise<string | null>;
  purge(): Promise<void>;
}
