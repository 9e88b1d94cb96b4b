import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { eddsaRdfc2022, keyObjectSigner } from './cryptosuite.js';

/** A loaded signing key: the DataIntegrityProof suite is built once per key and reused for every signature. */
export interface ActiveSigningKey {
  keyId: string;
  verificationMethodId: string;
  privateKey: KeyObject;
  suite: DataIntegrityProof;
}

/** The one place a signing suite is built from a key (the key store and the signing threads both use it). */
export function activeSigningKey({ keyId, verificationMethodId, privateKey }: Omit<ActiveSigningKey, 'suite'>): ActiveSigningKey {
  return {
    keyId,
    verificationMethodId,
    privateKey,
    suite: new DataIntegrityProof({ signer: keyObjectSigner(verificationMethodId, privateKey), cryptosuite: eddsaRdfc2022 }),
  };
}

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyMultibase: string;
}

export async function generateEd25519KeyPair(): Promise<Ed25519KeyPair> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, publicKeyMultibase: await publicKeyMultibaseOf(publicKey) };
}

/** Multikey encoding (multicodec ed25519-pub, base58btc) via the library that reads it back. */
export async function publicKeyMultibaseOf(publicKey: KeyObject): Promise<string> {
  const jwk = publicKey.export({ format: 'jwk' });
  const keyPair = await Ed25519Multikey.fromJwk({ jwk });
  const exported = await keyPair.export({ publicKey: true, includeContext: false });
  return exported.publicKeyMultibase as string;
}

export class KeyDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyDecryptionError';
  }
}

/**
 * Private keys at rest: PKCS#8 inside a compact JWE (dir + A256GCM) under the 32-byte master key. The
 * public key is recorded in the protected header so a ciphertext moved to another row is detected.
 */
export async function encryptPrivateKey(
  privateKey: KeyObject,
  publicKeyMultibase: string,
  masterKey: Uint8Array,
): Promise<string> {
  const plaintext = privateKey.export({ format: 'der', type: 'pkcs8' });
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: publicKeyMultibase })
    .encrypt(masterKey);
}

export async function decryptPrivateKey(
  jwe: string,
  publicKeyMultibase: string,
  masterKey: Uint8Array,
): Promise<KeyObject> {
  let plaintext: Uint8Array;
  let kid: unknown;
  try {
    ({ plaintext, protectedHeader: { kid } } = await compactDecrypt(jwe, masterKey));
  } catch {
    throw new KeyDecryptionError(
      'a stored private key could not be decrypted: the master key (KEYS_MASTER_KEY or keys/master.key) is not the one it was encrypted with',
    );
  }
  const privateKey = createPrivateKey({ key: Buffer.from(plaintext), format: 'der', type: 'pkcs8' });
  if (kid !== publicKeyMultibase || (await publicKeyMultibaseOf(createPublicKey(privateKey))) !== publicKeyMultibase) {
    throw new KeyDecryptionError('a stored private key does not belong to the public key it is stored with');
  }
  return privateKey;
}
