import { type Clock, systemClock } from './clock.js';

/**
 * A small promise cache with a time to live: concurrent callers share one load, failures are not cached.
 * Used where every replica must see a change within seconds (key rotation, disabled clients, DID documents)
 * but a database round trip per request would dominate the cost.
 */
export function createTtlCache<K, V>({ ttlMs, maxEntries = 10_000, clock = systemClock }: { ttlMs: number; maxEntries?: number; clock?: Clock }) {
  const entries = new Map<K, { value: Promise<V>; expires: number }>();
  return {
    get(key: K, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && hit.expires > clock.now().getTime()) return hit.value;
      if (entries.size >= maxEntries) entries.clear();
      const value = load();
      entries.set(key, { value, expires: clock.now().getTime() + ttlMs });
      value.catch(() => entries.delete(key));
      return value;
    },
    clear: () => entries.clear(),
  };
}
