import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockEddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { fastCanonize } from './fast-canonize.js';

/** What DataIntegrityProof needs to sign: the verification method id and a sign function. */
export interface Signer {
  id: string;
  algorithm: 'Ed25519';
  sign(input: { data: Uint8Array }): Promise<Uint8Array>;
}

/** Signs with a KeyObject held in memory: the stock signer re-imports the key bytes on every signature. */
export function keyObjectSigner(id: string, privateKey: KeyObject): Signer {
  return { id, algorithm: 'Ed25519', sign: async ({ data }) => sign(null, data, privateKey) };
}

// SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 public key (RFC 8410).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const verifierCache = new Map<string, KeyObject>();
const VERIFIER_CACHE_LIMIT = 10_000;

/**
 * Same contract as the stock createVerifier (the stock library parses and validates the verification
 * method), but the imported public KeyObject is kept per key so verifying many credentials of one centre
 * does not re-import the key each time.
 */
export async function createCachedVerifier({ verificationMethod }: { verificationMethod: Record<string, unknown> }) {
  const multibase = verificationMethod.publicKeyMultibase;
  const cacheKey = typeof multibase === 'string' ? `${verificationMethod.id}|${multibase}` : undefined;
  let publicKey = cacheKey ? verifierCache.get(cacheKey) : undefined;
  if (!publicKey) {
    const keyPair = await Ed25519Multikey.from(verificationMethod);
    publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, keyPair.publicKey as Uint8Array]),
      format: 'der',
      type: 'spki',
    });
    if (cacheKey) {
      if (verifierCache.size >= VERIFIER_CACHE_LIMIT) verifierCache.clear();
      verifierCache.set(cacheKey, publicKey);
    }
  }
  const key = publicKey;
  return {
    id: verificationMethod.id as string,
    algorithm: 'Ed25519' as const,
    verify: async ({ data, signature }: { data: Uint8Array; signature: Uint8Array }) =>
      verify(null, data, key, signature),
  };
}

/**
 * RDFC-1.0 canonicalisation: the compiled path (src/vc/fast-canonize.ts) for the documents it handles, with the
 * options the Data Integrity library always passes (safe mode, no base IRI, expansion not skipped); the stock
 * canonizer for everything else. The differential tests hold the two to byte-identical output.
 */
async function canonize(input: Record<string, unknown>, options: CanonizeOptions): Promise<string> {
  const compiled =
    options.safe === true && options.base === null && !options.skipExpansion
      ? await fastCanonize({ document: input, documentLoader: options.documentLoader })
      : undefined;
  return compiled ?? stockEddsaRdfc2022.canonize(input, options);
}

interface CanonizeOptions {
  documentLoader: (url: string) => Promise<{ document: object }>;
  safe?: boolean;
  base?: string | null;
  skipExpansion?: boolean;
}

/**
 * The cryptosuite seam (DESIGN §6): DataIntegrityProof calls `canonize` for the document and the proof
 * options and `createVerifier` per verification; the compiled canonicaliser sits behind `canonize`, so every
 * caller of the stock library (VCALM, presentations, status lists) gains it without changing.
 */
export const eddsaRdfc2022 = {
  ...stockEddsaRdfc2022,
  canonize,
  createVerifier: createCachedVerifier,
};
