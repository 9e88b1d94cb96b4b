/**
 * A small promise cache with a time to live: concurrent callers share one load, failures are not cached.
 * Used where every replica must see a change within seconds (key rotation, disabled clients, DID documents)
 * but a database round trip per request would dominate the cost.
 */
export function createTtlCache<K, V>({ ttlMs, maxEntries = 10_000 }: { ttlMs: number; maxEntries?: number }) {
  const entries = new Map<K, { value: Promise<V>; expires: number }>();
  return {
    get(key: K, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      const value = load();
      entries.set(key, { value, expires: Date.now() + ttlMs });
      value.catch(() => entries.delete(key));
      return value;
    },
    clear: () => entries.clear(),
  };
}
