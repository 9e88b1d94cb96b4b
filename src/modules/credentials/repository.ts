import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents, credentials, idempotencyKeys } from '../../db/schema/index.js';

export type CredentialRow = typeof credentials.$inferSelect;

export async function findCredential(db: DbOrTx, id: string): Promise<CredentialRow | undefined> {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id)).limit(1);
  return row;
}

/**
 * Inserts a credential and its "credential.issued" audit event in one statement: atomic on its own, and
 * one round trip instead of BEGIN, two inserts and COMMIT (issuance is the hot path).
 */
export async function insertIssuedCredential(
  db: DbOrTx,
  credential: typeof credentials.$inferInsert,
  audit: { actorClientId: string | null; requestId?: string; details: Record<string, unknown> },
) {
  const inserted = db
    .$with('inserted')
    .as(db.insert(credentials).values(credential).returning({ id: credentials.id, centreId: credentials.centreId }));
  await db
    .with(inserted)
    .insert(auditEvents)
    .select(
      db
        .select({
          id: sql`gen_random_uuid()`.as('id'),
          centreId: inserted.centreId,
          credentialId: inserted.id,
          actorClientId: sql`${audit.actorClientId}::uuid`.as('actor_client_id'),
          action: sql`'credential.issued'`.as('action'),
          target: sql`'credential:' || ${inserted.id}`.as('target'),
          requestId: sql`${audit.requestId ?? null}::text`.as('request_id'),
          details: sql`${JSON.stringify(audit.details)}::jsonb`.as('details'),
          createdAt: sql`now()`.as('created_at'),
        })
        .from(inserted),
    );
}

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
