import * as vc from '@digitalbazaar/vc';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import type { ActiveSigningKey } from './keys.js';

// Signing needs contexts only; the issuer's DID is not looked up to sign.
const contextLoader = createDocumentLoader();

export class SigningError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'SigningError';
  }
}

/**
 * Adds a DataIntegrityProof (eddsa-rdfc-2022) with the stock @digitalbazaar/vc `issue`. The library runs
 * JSON-LD in safe mode, so a term that no context defines makes signing fail instead of being dropped.
 *
 * The proof is emitted as a one-element array. VC Data Model 2.0 allows an object or an array, the library
 * writes an object when there is one proof, and the 1EdTech OB 3.0 JSON Schema (which wallets and verifiers
 * apply) accepts only the array. `proof` is not part of what is signed, so the signature is unaffected; the
 * property keeps its place as the document's last key.
 *
 * The proof's `created` is the time of signing unless `created` fixes it (a signing thread is handed the time
 * its caller asked at, so the caller's clock decides, as it does when signing here).
 */
export async function signCredential({
  credential,
  key,
  documentLoader = contextLoader,
  created,
}: {
  credential: object;
  key: ActiveSigningKey;
  documentLoader?: DocumentLoader;
  created?: Date;
}): Promise<Record<string, unknown>> {
  const suite = created ? suiteCreatedAt(key.suite, created) : key.suite;
  try {
    const signed = await vc.issue({ credential: structuredClone(credential), suite, documentLoader });
    return withProofArray(signed);
  } catch (error) {
    throw new SigningError(describeLibraryError(error), error);
  }
}

/**
 * The key's suite with the proof's `created` fixed. DataIntegrityProof reads `date` when it builds a proof and
 * takes it only in its constructor; a view that inherits everything else (signer, cryptosuite) and shadows
 * `date` leaves the shared suite untouched for the signatures running alongside.
 */
function suiteCreatedAt(suite: ActiveSigningKey['suite'], created: Date): ActiveSigningKey['suite'] {
  return Object.assign(Object.create(suite) as ActiveSigningKey['suite'], { date: created });
}

/** The same document with `proof` as an array (a document without a proof is returned unchanged). */
export function withProofArray<T extends Record<string, unknown>>(document: T): T {
  if (document.proof === undefined || Array.isArray(document.proof)) return document;
  return { ...document, proof: [document.proof] };
}

/** jsonld and vc errors carry the useful part in `details` or nested causes; surface it plainly. */
export function describeLibraryError(error: unknown): string {
  const seen = new Set<unknown>();
  const parts: string[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current) && parts.length < 4) {
    seen.add(current);
    const { message, details } = current as { message?: string; details?: { event?: { details?: { term?: string; property?: string } } } };
    if (message) parts.push(message);
    const term = details?.event?.details?.property ?? details?.event?.details?.term;
    if (term) parts.push(`undefined term "${term}"`);
    current = (current as { cause?: unknown }).cause;
  }
  return [...new Set(parts)].join(': ') || 'unknown error';
}
