/**
 * A least-recently-used map bounded by its number of entries. `get` refreshes recency; `set`
 * evicts the oldest entries beyond the capacity. A capacity of 0 keeps nothing.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: () => number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value under `key`, now the most recently used; undefined when absent. */
  get(key: string): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores `value` as the most recently used entry, then evicts down to the capacity. */
  set(key: string, value: V): void {
    this.entries.delete(key);
    const capacity = Math.max(0, Math.floor(this.capacity()));
    if (capacity === 0) return;
    this.entries.set(key, value);
    this.evict(capacity);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(capacity: number): void {
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= capacity) return;
      this.entries.delete(oldest);
    }
  }
}
