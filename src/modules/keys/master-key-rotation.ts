import { isNotNull, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { signingKeys } from '../../db/schema/index.js';
import { decryptPrivateKey, encryptPrivateKey } from '../../vc/keys.js';

/**
 * Master-key rotation: every stored private key is decrypted with the old master key and encrypted under the
 * new one, in one transaction (all keys move, or none). Returns how many keys were re-encrypted.
 */
export async function reencryptAllKeys({ db, oldKey, newKey }: { db: Db; oldKey: Uint8Array; newKey: Uint8Array }): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.select().from(signingKeys).where(isNotNull(signingKeys.encryptedPrivateKey));
    for (const row of rows) {
      const privateKey = await decryptPrivateKey(row.encryptedPrivateKey!, row.publicKeyMultibase, oldKey);
      const encrypted = await encryptPrivateKey(privateKey, row.publicKeyMultibase, newKey);
      await tx.update(signingKeys).set({ encryptedPrivateKey: encrypted }).where(eq(signingKeys.id, row.id));
    }
    return rows.length;
  });
}
