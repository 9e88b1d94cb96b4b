import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockEddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { isBundledContext } from './contexts.js';

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
async function createCachedVerifier({ verificationMethod }: { verificationMethod: Record<string, unknown> }) {
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

// Canonical proof configurations, most recent last. A cohort issued in one second shares one `created`,
// one verification method and the same contexts, so its proof configurations are identical.
const proofConfigurationCache = new Map<string, string>();
const PROOF_CONFIGURATION_CACHE_LIMIT = 256;

/**
 * A proof configuration (the proof without proofValue, with the document's @context) whose contexts are all
 * bundled: its canonical form depends on nothing but its own JSON, so it can be remembered.
 */
function isCacheableProofConfiguration(input: Record<string, unknown>): boolean {
  const contexts = input['@context'];
  return (
    input.type === 'DataIntegrityProof' &&
    !('proofValue' in input) &&
    Array.isArray(contexts) &&
    contexts.every((context) => typeof context === 'string' && isBundledContext(context))
  );
}

/**
 * Stock RDFC-1.0 canonicalisation, with the proof configuration's result remembered (it is re-canonicalised
 * for every signature and verification, and costs about a third of the whole). Documents always go to the
 * stock canonizer. The benchmark and tests check the output is byte-identical to the stock suite's.
 */
async function canonize(input: Record<string, unknown>, options: Record<string, unknown>): Promise<string> {
  if (!isCacheableProofConfiguration(input)) return stockEddsaRdfc2022.canonize(input, options);
  const key = JSON.stringify([input, options.safe, options.base, options.skipExpansion ?? null]);
  const hit = proofConfigurationCache.get(key);
  if (hit !== undefined) return hit;
  const canonical = await stockEddsaRdfc2022.canonize(input, options);
  if (proofConfigurationCache.size >= PROOF_CONFIGURATION_CACHE_LIMIT) {
    proofConfigurationCache.delete(proofConfigurationCache.keys().next().value as string);
  }
  proofConfigurationCache.set(key, canonical);
  return canonical;
}

/**
 * The cryptosuite seam (DESIGN §6): DataIntegrityProof calls `canonize` for the document and the proof
 * options and `createVerifier` per verification. Canonicalisation is the stock RDFC-1.0 path for now; a
 * faster canonize for our own credential documents can replace it here without touching callers.
 */
export const eddsaRdfc2022 = {
  ...stockEddsaRdfc2022,
  canonize,
  createVerifier: createCachedVerifier,
};
