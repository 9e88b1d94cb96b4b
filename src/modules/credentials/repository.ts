import { and, desc, eq, getTableColumns, gt, gte, ilike, inArray, isNotNull, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { PageCursor } from '../../lib/pagination.js';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, authorisations, batchRows, centres, credentials, deliveries, holderCopies, idempotencyKeys, statusEntries, statusLists, walletOffers } from '../../db/schema/index.js';
import { authorisationInForce } from '../authorisations/repository.js';
import type { ActorColumns } from '../audit/service.js';

export type CredentialRow = typeof credentials.$inferSelect;

export async function findCredential(db: DbOrTx, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id)).limit(1);
  return row;
}

type CredentialInsert = typeof credentials.$inferInsert;
type IssuanceAudit = { actor: ActorColumns; details: Record<string, unknown> };

const CREDENTIAL_COLUMNS = getTableColumns(credentials);
// Every column but issued_at (the database's now()), so the statement is the same for every credential.
const INSERTED_FIELDS = (Object.keys(CREDENTIAL_COLUMNS) as (keyof CredentialInsert)[]).filter((key) => key !== 'issuedAt');

/** One credential to store, its audit event and the conditions its insert is checked against. */
export interface IssuedCredentialInsert {
  credential: CredentialInsert & { achievementVersion: number; statusListId: string; statusListIndex: number };
  audit: IssuanceAudit;
  conditions: { authorisedAt: Date; listCapacity: number };
}

// The record each credential travels in: its columns, then what its checks and its audit event need.
const CONDITION_COLUMNS = 'authorised_at timestamptz, list_capacity integer, actor_kind text, actor_client_id uuid, actor_staff_id uuid, request_id text, details jsonb';

/**
 * The issuance statement, with one placeholder (`given`, a JSON array of records): built and prepared once per
 * database handle (see below). One statement for one credential or a batch group: its text never changes.
 */
function issuedCredentialsStatement(db: DbOrTx) {
  const names = sql.join(INSERTED_FIELDS.map((key) => sql.identifier(CREDENTIAL_COLUMNS[key].name)), sql`, `);
  const record = sql.join([...INSERTED_FIELDS.map((key) => sql`${sql.identifier(CREDENTIAL_COLUMNS[key].name)} ${sql.raw(CREDENTIAL_COLUMNS[key].getSQLType())}`), sql.raw(CONDITION_COLUMNS)], sql`, `);
  const given = db.$with('given', { id: sql<string>`id`.as('id') }).as(sql`select * from jsonb_to_recordset(${sql.placeholder('given')}::jsonb) as record(${record})`);
  const authorised = db
    .select({ one: sql`1` })
    .from(authorisations)
    .where(authorisationInForce({ centreId: sql`given.centre_id`, achievementId: sql`given.achievement_id`, at: sql`given.authorised_at` }));
  // room for every entry the statement takes on the list, not only this one
  const listHasRoom = db
    .select({ one: sql`1` })
    .from(statusLists)
    .where(and(eq(statusLists.id, sql`given.status_list_id`), lte(sql`${statusLists.allocated} + (select count(*) from given peers where peers.status_list_id = given.status_list_id)`, sql`given.list_capacity`)));
  // The status entry is claimed in status_entries, which VCALM's other credentials claim their entries in too: an
  // entry another process took first (for either kind) skips that credential, never a duplicate.
  const claimed = db
    .$with('claimed', { statusListId: sql<string>`status_list_id`.as('status_list_id'), statusListIndex: sql<number>`status_list_index`.as('status_list_index') })
    .as(
      sql`insert into ${statusEntries} (status_list_id, status_list_index) select status_list_id, status_list_index from given
          where exists (${authorised}) and exists (${listHasRoom}) on conflict do nothing returning status_list_id, status_list_index`,
    );
  // (a credential skipped here for its learner id or code leaves its claim behind: an entry no one holds, never reused)
  const inserted = db
    .$with('inserted', { id: sql<string>`id`.as('id'), centreId: sql<string>`centre_id`.as('centre_id'), statusListId: sql<string>`status_list_id`.as('status_list_id') })
    .as(
      sql`insert into ${credentials} (${names}) select ${names} from given join claimed using (status_list_id, status_list_index)
          on conflict do nothing returning id, centre_id, status_list_id`,
    );
  const counted = db.$with('counted').as(
    db
      .update(statusLists)
      .set({ allocated: sql`${statusLists.allocated} + taken.entries` })
      .from(sql`(select status_list_id, count(*)::integer as entries from inserted group by status_list_id) as taken`)
      .where(sql`${statusLists.id} = taken.status_list_id`)
      .returning({ id: statusLists.id }),
  );
  return db
    .with(given, claimed, inserted, counted)
    .insert(auditEvents)
    .select(
      db
        .select({
          id: sql`gen_random_uuid()`.as('id'),
          centreId: sql`inserted.centre_id`.as('centre_id'),
          credentialId: sql`inserted.id`.as('credential_id'),
          actorKind: sql`given.actor_kind`.as('actor_kind'),
          actorClientId: sql`given.actor_client_id`.as('actor_client_id'),
          actorStaffId: sql`given.actor_staff_id`.as('actor_staff_id'),
          action: sql`'credential.issued'`.as('action'),
          target: sql`'credential:' || inserted.id`.as('target'),
          requestId: sql`given.request_id`.as('request_id'),
          details: sql`given.details`.as('details'),
          createdAt: sql`now()`.as('created_at'),
        })
        .from(inserted)
        .innerJoin(given, sql`given.id = inserted.id`),
    )
    .returning({ credentialId: auditEvents.credentialId })
    .prepare('insert_issued_credentials');
}

// Building this statement through the query builder costs about as much as running it, on every issuance.
const preparedStatements = new WeakMap<DbOrTx, ReturnType<typeof issuedCredentialsStatement>>();

/**
 * Inserts credentials, counts their status entries on their lists and writes their "credential.issued" audit
 * events in one statement; each credential only if its centre is authorised for its course at `authorisedAt`,
 * its list has room (fewer than `listCapacity` entries taken, counting the statement's own) and its entry (and
 * learner id) is free: checks and writes are one atomic step (no revocation can slip between them; two
 * processes can never hold one entry), in one round trip instead of queries, BEGIN, three writes and COMMIT
 * (issuance is the hot path). Returns the ids of those written; a credential whose condition fails is skipped,
 * and the caller finds out which and why (in a transaction, it rolls back the others when it wants all or none).
 */
export async function writeIssuedCredentials(db: DbOrTx, issuances: IssuedCredentialInsert[]): Promise<Set<string>> {
  let statement = preparedStatements.get(db);
  if (!statement) preparedStatements.set(db, (statement = issuedCredentialsStatement(db)));
  const records = issuances.map(({ credential, audit, conditions }) => {
    const record: Record<string, unknown> = {
      authorised_at: conditions.authorisedAt.toISOString(),
      list_capacity: conditions.listCapacity,
      actor_kind: audit.actor.actorKind,
      actor_client_id: audit.actor.actorClientId,
      actor_staff_id: audit.actor.actorStaffId,
      request_id: audit.actor.requestId,
      details: audit.details,
    };
    for (const key of INSERTED_FIELDS) {
      const value = credential[key] ?? null;
      record[CREDENTIAL_COLUMNS[key].name] = value instanceof Date ? value.toISOString() : value;
    }
    return record;
  });
  const written = await statement.execute({ given: JSON.stringify(records) });
  return new Set(written.map((row) => row.credentialId as string));
}

/** How many of `issuances` were written (see `writeIssuedCredentials`). */
export async function insertIssuedCredentials(db: DbOrTx, issuances: IssuedCredentialInsert[]): Promise<number> {
  return (await writeIssuedCredentials(db, issuances)).size;
}

/** One credential: true when it was written (see `insertIssuedCredentials`). */
export async function insertIssuedCredential(db: DbOrTx, issuance: IssuedCredentialInsert): Promise<boolean> {
  return (await insertIssuedCredentials(db, [issuance])) === 1;
}

/** Credentials issued before short codes existed, with their centre's country (a batch at a time). */
export async function credentialsWithoutShortCode(db: DbOrTx, limit: number): Promise<{ id: string; countryCode: string }[]> {
  return db
    .select({ id: credentials.id, countryCode: centres.countryCode })
    .from(credentials)
    .innerJoin(centres, eq(centres.id, credentials.centreId))
    .where(isNull(credentials.shortCode))
    .limit(limit);
}

/** Gives a credential its code unless another process already did. */
export async function setShortCodeIfAbsent(db: DbOrTx, id: string, shortCode: string): Promise<void> {
  await db.update(credentials).set({ shortCode }).where(and(eq(credentials.id, id), isNull(credentials.shortCode)));
}

export async function findIdByShortCode(db: DbOrTx, shortCode: string): Promise<string | undefined> {
  const [row] = await db.select({ id: credentials.id }).from(credentials).where(eq(credentials.shortCode, shortCode)).limit(1);
  return row?.id;
}

/** What the service itself knows of a credential's standing: revocation and suspension, and its replacement. */
export async function findLifecycle(db: DbOrTx, id: string) {
  const [row] = await db
    .select({
      id: credentials.id,
      centreId: credentials.centreId,
      revokedAt: credentials.revokedAt,
      revocationReason: credentials.revocationReason,
      suspendedAt: credentials.suspendedAt,
      suspendedUntil: credentials.suspendedUntil,
      suspensionReason: credentials.suspensionReason,
      supersededBy: credentials.supersededBy,
    })
    .from(credentials)
    .where(eq(credentials.id, id))
    .limit(1);
  return row;
}

export type CredentialLifecycle = NonNullable<Awaited<ReturnType<typeof findLifecycle>>>;

export async function findIdempotencyRecord(db: DbOrTx, clientId: string, key: string) {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row;
}

/**
 * Claims an idempotency key inside the issuing transaction. On PostgreSQL a concurrent claim of the same
 * key waits for the first transaction and then conflicts, so exactly one credential is created per key.
 */
export async function claimIdempotencyKey(db: DbOrTx, record: typeof idempotencyKeys.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(idempotencyKeys).values(record).onConflictDoNothing().returning({ key: idempotencyKeys.key });
  return inserted.length > 0;
}

/** A centre's credential, locked until the transaction ends (lifecycle changes of one credential go one at a time). */
export async function lockCredential(tx: DbOrTx, id: string, centreId: string): Promise<CredentialRow | undefined> {
  const [row] = await tx.select().from(credentials).where(and(eq(credentials.id, id), eq(credentials.centreId, centreId))).for('update');
  return row;
}

export async function updateLifecycle(
  tx: DbOrTx,
  id: string,
  change: Partial<Pick<CredentialRow, 'revokedAt' | 'revocationReason' | 'suspendedAt' | 'suspendedUntil' | 'suspensionReason' | 'supersededBy'>>,
): Promise<CredentialRow> {
  const [row] = await tx.update(credentials).set(change).where(eq(credentials.id, id)).returning();
  return row!;
}

/**
 * Erases the learner's personal data of one credential wherever the service holds it, in the caller's
 * transaction: the credential's name, e-mail, DID, learner id and signed document (which names the learner), its
 * deliveries (each holds the address) and the cohort rows that issued it (each holds the row as uploaded). A new
 * table that keeps a learner's data for a credential belongs here too. The credential is revoked at `revokedAt`
 * (kept when it already was) and stays, with its dates, course, status entry and short code, as the record that
 * it existed and was withdrawn.
 */
export async function erasePersonalData(tx: DbOrTx, id: string, { erasedAt, revokedAt }: { erasedAt: Date; revokedAt: Date }): Promise<CredentialRow> {
  await tx.delete(deliveries).where(eq(deliveries.credentialId, id));
  await tx.update(batchRows).set({ input: {} }).where(eq(batchRows.credentialId, id));
  // copies bound to the holder's DID name the learner as the original does; offers not yet used die with it
  await tx.update(holderCopies).set({ document: null, holderDid: null }).where(eq(holderCopies.credentialId, id));
  await tx.update(walletOffers).set({ expiresAt: erasedAt }).where(and(eq(walletOffers.credentialId, id), isNull(walletOffers.completedAt)));
  const [row] = await tx
    .update(credentials)
    .set({ recipientName: '', recipientEmail: null, recipientDid: null, externalId: null, document: null, erasedAt, revokedAt })
    .where(eq(credentials.id, id))
    .returning();
  return row!;
}

export type CredentialState = 'active' | 'suspended' | 'revoked' | 'superseded' | 'expired' | 'erased';

/** The SQL form of a credential's state at `now` (the service's credentialState is the same rule for one row). */
function stateCondition(state: CredentialState, now: Date): SQL | undefined {
  const suspended = and(isNotNull(credentials.suspendedAt), or(isNull(credentials.suspendedUntil), gt(credentials.suspendedUntil, now)));
  const notSuspended = or(isNull(credentials.suspendedAt), and(isNotNull(credentials.suspendedUntil), lte(credentials.suspendedUntil, now)));
  switch (state) {
    // erased before all else: an erased credential is revoked, and may have been superseded first
    case 'erased':
      return isNotNull(credentials.erasedAt);
    case 'superseded':
      return and(isNotNull(credentials.supersededBy), isNull(credentials.erasedAt));
    case 'revoked':
      return and(isNotNull(credentials.revokedAt), isNull(credentials.supersededBy), isNull(credentials.erasedAt));
    case 'suspended':
      return and(isNull(credentials.revokedAt), suspended);
    case 'expired':
      return and(isNull(credentials.revokedAt), notSuspended, lte(credentials.validUntil, now));
    case 'active':
      return and(isNull(credentials.revokedAt), notSuspended, or(isNull(credentials.validUntil), gt(credentials.validUntil, now)));
  }
}

export interface CredentialFilter {
  centreId: string;
  achievementId?: string;
  state?: CredentialState;
  /** part of the recipient's name, any case */
  recipient?: string;
  /** the recipient's e-mail, any case */
  email?: string;
  /** a short code as readShortCode normalises it */
  shortCode?: string;
  issuedFrom?: Date;
  issuedTo?: Date;
}

/** A centre's credentials, newest first, keyset-paginated on (issuedAt, id); the signed document is left out. */
export async function listCredentials(db: DbOrTx, { filter, limit, after, now }: { filter: CredentialFilter; limit: number; after?: PageCursor; now: Date }) {
  const { document: _document, issuedAt, ...columns } = getTableColumns(credentials);
  const escaped = filter.recipient?.replace(/[\\%_]/g, (character) => `\\${character}`);
  return db
    .select({ ...columns, createdAt: issuedAt })
    .from(credentials)
    .where(
      and(
        eq(credentials.centreId, filter.centreId),
        filter.achievementId ? eq(credentials.achievementId, filter.achievementId) : undefined,
        filter.state ? stateCondition(filter.state, now) : undefined,
        escaped ? ilike(credentials.recipientName, `%${escaped}%`) : undefined,
        filter.email ? sql`lower(${credentials.recipientEmail}) = ${filter.email.toLowerCase()}` : undefined,
        filter.shortCode ? eq(credentials.shortCode, filter.shortCode) : undefined,
        filter.issuedFrom ? gte(credentials.issuedAt, filter.issuedFrom) : undefined,
        filter.issuedTo ? lt(credentials.issuedAt, filter.issuedTo) : undefined,
        after ? or(lt(credentials.issuedAt, after.createdAt), and(eq(credentials.issuedAt, after.createdAt), lt(credentials.id, after.id))) : undefined,
      ),
    )
    .orderBy(desc(credentials.issuedAt), desc(credentials.id))
    .limit(limit + 1);
}

export type CredentialListRow = Awaited<ReturnType<typeof listCredentials>>[number];

/**
 * Stored credentials whose id is not `<publicBaseUrl>/credentials/<their uuid>`, i.e. issued under another public base
 * URL: how many, and the bases a sample of them name. The count is a substring test on the stored text (about 65 ms
 * per 50,000 credentials on PGlite); only the sample is parsed as JSON.
 */
export async function credentialsUnderOtherBase(db: DbOrTx, publicBaseUrl: string): Promise<{ count: number; bases: string[] }> {
  const ownId = sql`'"' || ${`${publicBaseUrl}/credentials/`} || ${credentials.id}::text || '"'`;
  const elsewhere = sql`position(${ownId} in ${credentials.document}) = 0`;
  const [counted] = await db.select({ count: sql<number>`count(*)::int` }).from(credentials).where(elsewhere);
  const count = counted?.count ?? 0;
  if (count === 0) return { count, bases: [] };
  const sample = db.select({ document: credentials.document }).from(credentials).where(elsewhere).limit(1000).as('sample');
  const base = sql<string>`substring((${sample.document}::jsonb)->>'id' from '^(.*)/credentials/[^/]*$')`;
  const rows = await db.selectDistinct({ base }).from(sample).orderBy(base).limit(5);
  return { count, bases: rows.map((row) => row.base).filter((value): value is string => typeof value === 'string') };
}

/** The learners' names of some credentials, by id ('' for a credential whose learner's data was erased). */
export async function recipientNames(db: DbOrTx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: credentials.id, name: credentials.recipientName }).from(credentials).where(inArray(credentials.id, ids));
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** A corrected delivery address (kept for delivery only; never in the signed credential). */
export async function setRecipientEmail(db: DbOrTx, id: string, email: string): Promise<void> {
  await db.update(credentials).set({ recipientEmail: email }).where(eq(credentials.id, id));
}

/** The original credential a centre issued for a course and one of its learner ids, if any. */
export async function findByExternalId(db: DbOrTx, { centreId, achievementId, externalId }: { centreId: string; achievementId: string; externalId: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: credentials.id })
    .from(credentials)
    .where(and(eq(credentials.centreId, centreId), eq(credentials.achievementId, achievementId), eq(credentials.externalId, externalId), isNull(credentials.supersedes)))
    .limit(1);
  return row?.id;
}

/** Figures for a dashboard: issued since `since`, active and revoked now, of a centre (or, null, of all centres). */
export async function credentialCounts(db: DbOrTx, { centreId, since, now }: { centreId: string | null; since: Date; now: Date }) {
  const [row] = await db
    .select({
      issuedSince: sql<number>`count(*) filter (where ${gte(credentials.issuedAt, since)})::int`,
      active: sql<number>`count(*) filter (where ${stateCondition('active', now)})::int`,
      revoked: sql<number>`count(*) filter (where ${stateCondition('revoked', now)})::int`,
    })
    .from(credentials)
    .where(centreId ? eq(credentials.centreId, centreId) : undefined);
  return row ?? { issuedSince: 0, active: 0, revoked: 0 };
}
