import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { apiClients, centres } from '../../db/schema/index.js';

export type ApiClientRow = typeof apiClients.$inferSelect;

/** A client with the slug of its centre (null for platform clients). */
export async function findClientByClientId(db: DbOrTx, clientId: string) {
  const [row] = await db
    .select({ client: apiClients, centreSlug: centres.slug })
    .from(apiClients)
    .leftJoin(centres, eq(centres.id, apiClients.centreId))
    .where(eq(apiClients.clientId, clientId))
    .limit(1);
  return row;
}

/** What a token check needs of its client: whether it is enabled, and its current secret (as a hash). */
export async function findClientTokenState(db: DbOrTx, id: string) {
  const [row] = await db.select({ status: apiClients.status, secretHash: apiClients.secretHash }).from(apiClients).where(eq(apiClients.id, id)).limit(1);
  return row;
}

export async function insertClient(db: DbOrTx, client: typeof apiClients.$inferInsert): Promise<ApiClientRow> {
  const [row] = await db.insert(apiClients).values(client).returning();
  if (!row) throw new Error('client insert returned no row');
  return row;
}

export async function listClientsOfCentre(db: DbOrTx, centreId: string) {
  return db.select().from(apiClients).where(eq(apiClients.centreId, centreId)).orderBy(apiClients.createdAt);
}

export async function updateClient(db: DbOrTx, id: string, changes: Partial<typeof apiClients.$inferInsert>): Promise<ApiClientRow> {
  const [row] = await db.update(apiClients).set(changes).where(eq(apiClients.id, id)).returning();
  if (!row) throw new Error(`client ${id} vanished during update`);
  return row;
}
