import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { createTtlCache } from '../../lib/ttl-cache.js';
import { type AchievementRow, findAchievement } from '../achievements/repository.js';
import { type CourseVersion, findCourseVersion } from '../achievements/service.js';
import { type AuthorisationRow, listCentreAuthorisations } from '../authorisations/repository.js';
import { type CentreRow, findCentreById, findCentreBySlug, listStatusChanges } from '../centres/repository.js';
import { listKeys } from '../keys/repository.js';
import type { CredentialPageContent } from '../pages/service.js';
import { type CredentialLifecycle, findLifecycle } from './repository.js';

/**
 * What verification needs to judge one of our centres at the time it signed a credential: its status history,
 * every authorisation it ever had, and when any of its keys was marked compromised. Read together, so verifying
 * a cohort's credentials costs no database round trip per credential.
 */
export interface IssuerFacts {
  centre: CentreRow;
  statusChanges: { status: 'active' | 'suspended'; changedAt: Date }[];
  authorisations: AuthorisationRow[];
  /** public key multibase → when it was marked compromised */
  compromisedKeys: Map<string, Date>;
}

async function loadIssuerFacts(db: Db, slug: string): Promise<IssuerFacts | undefined> {
  const centre = await findCentreBySlug(db, slug);
  if (!centre) return undefined;
  const [statusChanges, authorisations, keys] = await Promise.all([listStatusChanges(db, centre.id), listCentreAuthorisations(db, centre.id), listKeys(db, centre.id)]);
  const compromisedKeys = new Map(keys.filter((key) => key.status === 'compromised').map((key) => [key.publicKeyMultibase, key.compromisedAt ?? new Date(0)]));
  return { centre, statusChanges, authorisations, compromisedKeys };
}

// A cohort issuance (or verification) hits the same centre and course thousands of times; a suspension, a
// course update, an authorisation change or a key compromise reaches issuance and verification within this
// time on every replica (the same window as key rotation).
const REFERENCE_TTL_MS = 5_000;

const NOT_FOUND = Symbol('not found');

/** Cached reads of what issuance and verification refer to; misses are not cached, so a new course is usable at once. */
export function createIssuanceLookups({ db, statusMaxAgeSeconds, clock }: { db: Db; statusMaxAgeSeconds: number; clock: Clock }) {
  const caches: { clear(): void }[] = [];
  const cached = <Row>(load: (id: string) => Promise<Row | undefined>) => {
    const cache = createTtlCache<string, Row>({ ttlMs: REFERENCE_TTL_MS, clock });
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
  // A credential page verifies on every view; this is its short cache (a status change made here clears it, other
  // replicas show it within the TTL, never later than the status lists' max-age lets verifiers see it).
  const credentialPages = createTtlCache<string, CredentialPageContent>({ ttlMs: Math.min(REFERENCE_TTL_MS, statusMaxAgeSeconds * 1000), clock });
  caches.push(credentialPages);
  return {
    /** what a credential's page shows (its verification included), by `<id> <language>` */
    credentialPages,
    centre: cached<CentreRow>((id) => findCentreById(db, id)),
    achievement: cached<AchievementRow>((id) => findAchievement(db, id)),
    /** a published version of a course (never changes once published), by `<id>@<version>` */
    courseVersion: cached<CourseVersion>((key) => {
      const [id = '', version = ''] = key.split('@');
      return findCourseVersion(db, id, Number(version));
    }),
    /** one of our centres by slug, with what verification judges it by */
    issuer: cached<IssuerFacts>((slug) => loadIssuerFacts(db, slug)),
    /** one of our credentials' revocation, suspension and replacement, by uuid */
    lifecycle: cached<CredentialLifecycle>((id) => findLifecycle(db, id)),
    /** forget everything in this process (after a change made here; other replicas wait out the TTL) */
    clear: () => caches.forEach((cache) => cache.clear()),
  };
}

export type IssuanceLookups = ReturnType<typeof createIssuanceLookups>;
