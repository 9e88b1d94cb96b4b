import { and, desc, eq, getTableColumns, gt, gte, ilike, isNotNull, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { PageCursor } from '../../lib/pagination.js';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, authorisations, centres, credentials, idempotencyKeys, statusLists } from '../../db/schema/index.js';
import { authorisationInForce } from '../authorisations/repository.js';

export type CredentialRow = typeof credentials.$inferSelect;

export async function findCredential(db: DbOrTx, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id)).limit(1);
  return row;
}

type CredentialInsert = typeof credentials.$inferInsert;
type IssuanceAudit = { actorClientId: string | null; requestId?: string; details: Record<string, unknown> };

// Every column but issued_at (the database's now()), so the statement is the same for every credential.
const INSERTED_FIELDS = (Object.keys(getTableColumns(credentials)) as (keyof CredentialInsert)[]).filter((key) => key !== 'issuedAt');

/** The issuance statement, with placeholders: built and prepared once per database handle (see below). */
function issuedCredentialStatement(db: DbOrTx) {
  const columns = getTableColumns(credentials);
  const names = sql.join(INSERTED_FIELDS.map((key) => sql.identifier(columns[key].name)), sql`, `);
  // INSERT … SELECT gives its parameters no types from the target columns: cast each to its column's type.
  const values = sql.join(
    INSERTED_FIELDS.map((key) => sql`${sql.placeholder(key)}::${sql.raw(columns[key].getSQLType())}`),
    sql`, `,
  );
  const authorised = db
    .select({ one: sql`1` })
    .from(authorisations)
    .where(authorisationInForce({ centreId: sql`${sql.placeholder('centreId')}::uuid`, achievementId: sql`${sql.placeholder('achievementId')}::uuid`, at: sql`${sql.placeholder('authorisedAt')}::timestamptz` }));
  const listHasRoom = db
    .select({ one: sql`1` })
    .from(statusLists)
    .where(and(eq(statusLists.id, sql`${sql.placeholder('statusListId')}::uuid`), lt(statusLists.allocated, sql`${sql.placeholder('listCapacity')}::integer`)));
  // The status entry is unique: an entry another process took first makes the insert a no-op, never a duplicate.
  const inserted = db
    .$with('inserted', { id: sql<string>`id`.as('id'), centreId: sql<string>`centre_id`.as('centre_id'), statusListId: sql<string>`status_list_id`.as('status_list_id') })
    .as(
      sql`insert into ${credentials} (${names}) select ${values} where exists (${authorised}) and exists (${listHasRoom})
          on conflict do nothing returning id, centre_id, status_list_id`,
    );
  const counted = db
    .$with('counted')
    .as(db.update(statusLists).set({ allocated: sql`${statusLists.allocated} + 1` }).where(sql`${statusLists.id} in (select status_list_id from ${inserted})`).returning({ id: statusLists.id }));
  return db
    .with(inserted, counted)
    .insert(auditEvents)
    .select(
      db
        .select({
          id: sql`gen_random_uuid()`.as('id'),
          centreId: sql`${inserted.centreId}`.as('centre_id'),
          credentialId: sql`${inserted.id}`.as('credential_id'),
          actorClientId: sql`${sql.placeholder('actorClientId')}::uuid`.as('actor_client_id'),
          action: sql`'credential.issued'`.as('action'),
          target: sql`'credential:' || ${inserted.id}`.as('target'),
          requestId: sql`${sql.placeholder('requestId')}::text`.as('request_id'),
          details: sql`${sql.placeholder('details')}::jsonb`.as('details'),
          createdAt: sql`now()`.as('created_at'),
        })
        .from(inserted),
    )
    .returning({ id: auditEvents.id })
    .prepare('insert_issued_credential');
}

// Building this statement through the query builder costs about as much as running it, on every issuance.
const preparedStatements = new WeakMap<DbOrTx, ReturnType<typeof issuedCredentialStatement>>();

/**
 * Inserts a credential, counts its status entry on its list and writes its "credential.issued" audit event in
 * one statement, and only if the centre is authorised for the course at `authorisedAt`, the list has room
 * (fewer than `listCapacity` entries taken) and the entry is free: checks and writes are one atomic step (no
 * revocation can slip between them; two processes can never hold one entry), in one round trip instead of
 * queries, BEGIN, three writes and COMMIT (issuance is the hot path). Returns false, writing nothing, when any
 * condition fails; the caller finds out which.
 */
export async function insertIssuedCredential(
  db: DbOrTx,
  credential: CredentialInsert & { achievementVersion: number; statusListId: string; statusListIndex: number },
  audit: IssuanceAudit,
  { authorisedAt, listCapacity }: { authorisedAt: Date; listCapacity: number },
): Promise<boolean> {
  let statement = preparedStatements.get(db);
  if (!statement) preparedStatements.set(db, (statement = issuedCredentialStatement(db)));
  const values: Record<string, unknown> = { authorisedAt: authorisedAt.toISOString(), listCapacity, actorClientId: audit.actorClientId, requestId: audit.requestId ?? null, details: JSON.stringify(audit.details) };
  // driver values: the placeholders carry no column encoders (drizzle's cannot encode a null timestamp)
  for (const key of INSERTED_FIELDS) {
    const value = credential[key] ?? null;
    values[key] = value instanceof Date ? value.toISOString() : value;
  }
  const written = await statement.execute(values);
  return written.length > 0;
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

export type CredentialState = 'active' | 'suspended' | 'revoked' | 'superseded' | 'expired';

/** The SQL form of a credential's state at `now` (the service's credentialState is the same rule for one row). */
function stateCondition(state: CredentialState, now: Date): SQL | undefined {
  const suspended = and(isNotNull(credentials.suspendedAt), or(isNull(credentials.suspendedUntil), gt(credentials.suspendedUntil, now)));
  const notSuspended = or(isNull(credentials.suspendedAt), and(isNotNull(credentials.suspendedUntil), lte(credentials.suspendedUntil, now)));
  switch (state) {
    case 'superseded':
      return isNotNull(credentials.supersededBy);
    case 'revoked':
      return and(isNotNull(credentials.revokedAt), isNull(credentials.supersededBy));
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
