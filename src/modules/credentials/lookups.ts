import type { Db } from '../../db/client.js';
import { createTtlCache } from '../../lib/ttl-cache.js';
import { type AchievementRow, findAchievement } from '../achievements/repository.js';
import { type CentreRow, findCentreById } from '../centres/repository.js';

// A cohort issuance hits the same centre and course thousands of times; a suspension or a course update
// reaches issuance within this time on every replica (the same window as key rotation).
const REFERENCE_TTL_MS = 5_000;

const NOT_FOUND = Symbol('not found');

/** Cached reads of what issuance refers to; misses are not cached, so a new course is usable at once. */
export function createIssuanceLookups({ db }: { db: Db }) {
  const caches: { clear(): void }[] = [];
  const cached = <Row>(load: (id: string) => Promise<Row | undefined>) => {
    const cache = createTtlCache<string, Row>({ ttlMs: REFERENCE_TTL_MS });
    caches.push(cache);
    return (id: string): Promise<Row | undefined> =>
      cache
        .get(id, async () => {
          const row = await load(id);
          if (!row) throw NOT_FOUND;
          return row;
        })
        .catch((error) => (error === NOT_FOUND ? undefined : Promise.reject(error)));
  };
  return {
    centre: cached<CentreRow>((id) => findCentreById(db, id)),
    achievement: cached<AchievementRow>((id) => findAchievement(db, id)),
    /** forget everything in this process (after a change made here; other replicas wait out the TTL) */
    clear: () => caches.forEach((cache) => cache.clear()),
  };
}

export type IssuanceLookups = ReturnType<typeof createIssuanceLookups>;
