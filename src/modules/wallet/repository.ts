import { and, desc, eq, gt, inArray, isNull, lt, notExists, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { holderCopies, walletNonces, walletOffers } from '../../db/schema/index.js';

export type WalletOfferRow = typeof walletOffers.$inferSelect;
export type WalletProtocol = WalletOfferRow['protocol'];

export async function insertOffers(db: DbOrTx, rows: (typeof walletOffers.$inferInsert)[]): Promise<void> {
  await db.insert(walletOffers).values(rows);
}

/**
 * Deletes the offers that expired before `before`, except those a holder copy was handed out under: the copy keeps
 * naming its offer (the console lists the protocol it went out by).
 */
export async function deleteOffersExpiredBefore(db: DbOrTx, before: Date): Promise<void> {
  const copied = db.select({ offerId: holderCopies.offerId }).from(holderCopies).where(eq(holderCopies.offerId, walletOffers.id));
  await db.delete(walletOffers).where(and(lt(walletOffers.expiresAt, before), notExists(copied)));
}

/** The offers whose code hashes are among `codeHashes` (the two protocols of one offer link). */
export async function findOffersByCodeHashes(db: DbOrTx, codeHashes: string[]): Promise<WalletOfferRow[]> {
  return db.select().from(walletOffers).where(inArray(walletOffers.codeHash, codeHashes));
}

export async function findOfferByCodeHash(db: DbOrTx, codeHash: string): Promise<WalletOfferRow | undefined> {
  const [row] = await db.select().from(walletOffers).where(eq(walletOffers.codeHash, codeHash)).limit(1);
  return row;
}

/**
 * Exchanges an OpenID4VCI offer's pre-authorised code for an access token, once: only an offer not yet redeemed and
 * not expired at `now` is changed, in one statement, so two wallets racing with one code cannot both succeed.
 */
export async function redeemOffer(
  db: DbOrTx,
  { codeHash, now, accessTokenHash, accessTokenExpiresAt }: { codeHash: string; now: Date; accessTokenHash: string; accessTokenExpiresAt: Date },
): Promise<WalletOfferRow | undefined> {
  const [row] = await db
    .update(walletOffers)
    .set({ redeemedAt: now, accessTokenHash, accessTokenExpiresAt })
    .where(and(eq(walletOffers.codeHash, codeHash), eq(walletOffers.protocol, 'oid4vci'), isNull(walletOffers.redeemedAt), gt(walletOffers.expiresAt, now)))
    .returning();
  return row;
}

export async function findOfferByAccessTokenHash(db: DbOrTx, accessTokenHash: string): Promise<WalletOfferRow | undefined> {
  const [row] = await db.select().from(walletOffers).where(eq(walletOffers.accessTokenHash, accessTokenHash)).limit(1);
  return row;
}

/**
 * Marks an offer as used to hand out its credential (and as redeemed, for an exchange, which has no token step),
 * unless it already was: true for the one caller that did it, so a credential is handed out once per offer.
 */
export async function completeOffer(db: DbOrTx, { id, now }: { id: string; now: Date }): Promise<boolean> {
  const done = await db
    .update(walletOffers)
    .set({ completedAt: now, redeemedAt: sql`coalesce(${walletOffers.redeemedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(walletOffers.id, id), isNull(walletOffers.completedAt)))
    .returning({ id: walletOffers.id });
  return done.length > 0;
}

export async function insertNonce(db: DbOrTx, nonce: typeof walletNonces.$inferInsert): Promise<void> {
  await db.insert(walletNonces).values(nonce);
}

/** Uses a nonce once: true only for an unused nonce that has not expired at `now`. */
export async function consumeNonce(db: DbOrTx, { nonceHash, now }: { nonceHash: string; now: Date }): Promise<boolean> {
  const used = await db
    .update(walletNonces)
    .set({ usedAt: now })
    .where(and(eq(walletNonces.nonceHash, nonceHash), isNull(walletNonces.usedAt), gt(walletNonces.expiresAt, now)))
    .returning({ nonceHash: walletNonces.nonceHash });
  return used.length > 0;
}

/** Nonces that expired before `before` are of no use to anyone: the table keeps only the live ones. */
export async function deleteNoncesExpiredBefore(db: DbOrTx, before: Date): Promise<void> {
  await db.delete(walletNonces).where(lt(walletNonces.expiresAt, before));
}

export async function insertHolderCopy(db: DbOrTx, copy: typeof holderCopies.$inferInsert): Promise<void> {
  await db.insert(holderCopies).values(copy);
}

/** The copies of a credential handed to wallets, newest first, with the protocol of the offer each came through. */
export async function listHolderCopies(db: DbOrTx, credentialId: string, limit: number) {
  return db
    .select({ id: holderCopies.id, holderDid: holderCopies.holderDid, issuedAt: holderCopies.issuedAt, protocol: walletOffers.protocol })
    .from(holderCopies)
    .leftJoin(walletOffers, eq(walletOffers.id, holderCopies.offerId))
    .where(eq(holderCopies.credentialId, credentialId))
    .orderBy(desc(holderCopies.issuedAt))
    .limit(limit);
}
