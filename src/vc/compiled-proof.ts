import { createHash } from 'node:crypto';
import { VC_V2_CONTEXT } from './contexts.js';
import { fastCanonize } from './fast-canonize.js';

type ContextLoader = (url: string) => Promise<{ document: object }>;

/** The proof options of an eddsa-rdfc-2022 proof, in the key order the stock DataIntegrityProof writes them. */
export interface ProofOptions {
  type: 'DataIntegrityProof';
  created: string;
  verificationMethod: string;
  cryptosuite: 'eddsa-rdfc-2022';
  proofPurpose: string;
}

/** `created` as the stock library writes it: XSD dateTime in UTC, whole seconds. */
export const proofCreated = (date: Date) => `${date.toISOString().slice(0, -5)}Z`;

/**
 * The bytes an eddsa-rdfc-2022 proof signs (VC-DI-EDDSA §3.3.5): SHA-256 of the canonical proof options (with the
 * document's @context) followed by SHA-256 of the canonical document without its proof, both canonicalised by the
 * compiled path. Undefined when either is not a document the compiled path handles, or the document is not a VC
 * 2.0 one (whose context already defines every Data Integrity term, so the stock library would add nothing to the
 * proof's context): the caller then takes the stock path.
 */
export async function compiledVerifyData({
  document,
  proofOptions,
  documentLoader,
}: {
  document: Record<string, unknown>;
  proofOptions: object;
  documentLoader: ContextLoader;
}): Promise<Buffer | undefined> {
  const context = document['@context'];
  if (!Array.isArray(context) || context[0] !== VC_V2_CONTEXT) return undefined;
  const { proof: _proof, ...unsigned } = document;
  const [proofHash, canonicalDocument] = await Promise.all([
    proofOptionsHash({ document: { '@context': context, ...proofOptions }, documentLoader }),
    fastCanonize({ document: unsigned, documentLoader }),
  ]);
  if (proofHash === undefined || canonicalDocument === undefined) return undefined;
  return Buffer.concat([proofHash, sha256(canonicalDocument)]);
}

// Hashes of canonical proof options, most recent last. A cohort signed in one second shares one `created`, one
// verification method and the same contexts, so its proof options are identical; so are a centre's proofs read
// back by verification.
const proofOptionsHashes = new Map<string, Buffer | undefined>();
const PROOF_OPTIONS_CACHE_LIMIT = 256;

async function proofOptionsHash({ document, documentLoader }: { document: Record<string, unknown>; documentLoader: ContextLoader }) {
  const key = JSON.stringify(document);
  if (proofOptionsHashes.has(key)) return proofOptionsHashes.get(key);
  const canonical = await fastCanonize({ document, documentLoader });
  const hash = canonical === undefined ? undefined : sha256(canonical);
  if (proofOptionsHashes.size >= PROOF_OPTIONS_CACHE_LIMIT) proofOptionsHashes.delete(proofOptionsHashes.keys().next().value!);
  proofOptionsHashes.set(key, hash);
  return hash;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();
