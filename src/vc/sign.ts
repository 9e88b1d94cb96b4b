import { sign } from 'node:crypto';
import * as vc from '@digitalbazaar/vc';
import { compiledVerifyData, proofCreated, type ProofOptions } from './compiled-proof.js';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import type { ActiveSigningKey } from './keys.js';
import { encodeBase58btc } from './multibase.js';

// Signing needs contexts only; the issuer's DID is not looked up to sign.
const contextLoader = createDocumentLoader();

export class SigningError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'SigningError';
  }
}

/**
 * Adds a DataIntegrityProof (eddsa-rdfc-2022). Documents the compiled path handles (docs/fast-path.md: the
 * service's own credential shapes) are signed by it, with the stock library's own checks first; anything else
 * goes through the stock @digitalbazaar/vc `issue`. Both give the same bytes: the differential tests hold the
 * compiled path to the stock one. The library runs JSON-LD in safe mode, so a term that no context defines
 * makes signing fail instead of being dropped (the compiled path hands such documents to it).
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
  try {
    const compiled = await signCompiled({ credential: credential as Record<string, unknown>, key, documentLoader, created: created ?? new Date() });
    if (compiled) return compiled;
    const suite = created ? suiteCreatedAt(key.suite, created) : key.suite;
    const signed = await vc.issue({ credential: structuredClone(credential), suite, documentLoader });
    return withProofArray(signed);
  } catch (error) {
    throw new SigningError(describeLibraryError(error), error);
  }
}

/**
 * What `vc.issue` does for a VC 2.0 credential without a proof (its credential checks, then one
 * DataIntegrityProof), with the compiled canonicaliser and the in-memory key; undefined when the compiled path
 * does not handle the document.
 */
async function signCompiled({
  credential,
  key,
  documentLoader,
  created,
}: {
  credential: Record<string, unknown>;
  key: ActiveSigningKey;
  documentLoader: DocumentLoader;
  created: Date;
}): Promise<Record<string, unknown> | undefined> {
  if ('proof' in credential) return undefined;
  vc._checkCredential({ credential, mode: 'issue' });
  const proofOptions: ProofOptions = {
    type: 'DataIntegrityProof',
    created: proofCreated(created),
    verificationMethod: key.verificationMethodId,
    cryptosuite: 'eddsa-rdfc-2022',
    proofPurpose: 'assertionMethod',
  };
  const verifyData = await compiledVerifyData({ document: credential, proofOptions, documentLoader });
  if (!verifyData) return undefined;
  const proofValue = `z${encodeBase58btc(sign(null, verifyData, key.privateKey))}`;
  // A new top level; nested values are shared with `credential`, which no caller changes after signing.
  return { ...credential, proof: [{ ...proofOptions, proofValue }] };
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
