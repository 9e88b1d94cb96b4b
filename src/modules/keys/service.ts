import type { KeyObject } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import { verificationMethodId } from '../../vc/did-web.js';
import { createTtlCache } from '../../lib/ttl-cache.js';
import { type ActiveSigningKey, activeSigningKey, decryptPrivateKey, encryptPrivateKey, generateEd25519KeyPair } from '../../vc/keys.js';
import * as repository from './repository.js';
import type { KeyPurpose, SigningKeyRow } from './repository.js';

export type { ActiveSigningKey } from '../../vc/keys.js';

export interface KeyStore {
  /** Creates the owner's active key of this purpose if it has none; returns the active key row. */
  ensureActiveKey(input: { db?: DbOrTx; centreId: string | null; purpose: KeyPurpose }): Promise<SigningKeyRow>;
  /** The key that signs the owner's credentials now, from a short-lived cache (rotation shows within seconds). */
  activeAssertionKey(input: { centreId: string | null; did: string }): Promise<ActiveSigningKey>;
  /** A key row ready to sign, for a transaction that has just made it active (the cache cannot see it yet). */
  signingKey(input: { row: SigningKeyRow; did: string }): Promise<ActiveSigningKey>;
  /** The shared key that signs access tokens (one for all replicas). */
  accessTokenKey(): Promise<{ privateKey: KeyObject; publicKeyMultibase: string }>;
  /** Fails with a clear message when the master key does not decrypt the stored keys. */
  checkMasterKey(): Promise<void>;
  /** Retires (or marks compromised) the owner's key and makes a new active one, in the caller's transaction. */
  replaceActiveKey(input: { db: DbOrTx; centreId: string; retire: { id: string; status: 'retired' | 'compromised'; reason?: string } }): Promise<SigningKeyRow>;
  clearCache(): void;
}

const ACTIVE_KEY_TTL_MS = 5_000;

export function createKeyStore({ db, masterKey }: { db: Db; masterKey: Uint8Array }): KeyStore {
  const cache = createTtlCache<string, ActiveSigningKey>({ ttlMs: ACTIVE_KEY_TTL_MS });

  async function ensureActiveKey({ db: tx = db, centreId, purpose }: { db?: DbOrTx; centreId: string | null; purpose: KeyPurpose }) {
    const existing = await repository.findActiveKey(tx, centreId, purpose);
    if (existing) return existing;
    const pair = await generateEd25519KeyPair();
    const inserted = await repository.insertActiveKeyIfAbsent(tx, {
      centreId,
      purpose,
      publicKeyMultibase: pair.publicKeyMultibase,
      encryptedPrivateKey: await encryptPrivateKey(pair.privateKey, pair.publicKeyMultibase, masterKey),
    });
    // Another replica may have won the race; its key is then the active one.
    const row = inserted ?? (await repository.findActiveKey(tx, centreId, purpose));
    if (!row) throw new Error(`no active ${purpose} key could be created`);
    return row;
  }

  async function unlock(row: SigningKeyRow): Promise<KeyObject> {
    if (!row.encryptedPrivateKey) throw new Error(`key ${row.id} has no private part`);
    return decryptPrivateKey(row.encryptedPrivateKey, row.publicKeyMultibase, masterKey);
  }

  async function signingKey({ row, did }: { row: SigningKeyRow; did: string }): Promise<ActiveSigningKey> {
    return activeSigningKey({ keyId: row.id, verificationMethodId: verificationMethodId(did, row.publicKeyMultibase), privateKey: await unlock(row) });
  }

  return {
    ensureActiveKey,
    activeAssertionKey: ({ centreId, did }) =>
      cache.get(`${centreId ?? 'platform'}|${did}`, async () => signingKey({ row: await ensureActiveKey({ centreId, purpose: 'assertion' }), did })),
    signingKey,
    async accessTokenKey() {
      const row = await ensureActiveKey({ centreId: null, purpose: 'access-token' });
      return { privateKey: await unlock(row), publicKeyMultibase: row.publicKeyMultibase };
    },
    async checkMasterKey() {
      for (const row of await repository.listEncryptedKeys(db)) {
        if (row.encryptedPrivateKey) await decryptPrivateKey(row.encryptedPrivateKey, row.publicKeyMultibase, masterKey);
      }
    },
    async replaceActiveKey({ db: tx, centreId, retire }) {
      await repository.retireKey(tx, retire.id, { status: retire.status, at: new Date(), reason: retire.reason });
      cache.clear();
      return ensureActiveKey({ db: tx, centreId, purpose: 'assertion' });
    },
    clearCache: () => cache.clear(),
  };
}
