import * as vc from '@digitalbazaar/vc';
import { compiledVerifyData } from './compiled-proof.js';
import { createCachedVerifier } from './cryptosuite.js';
import { DID_V1_CONTEXT } from './contexts.js';
import type { DocumentLoader } from './document-loader.js';
import { decodeBase58btc } from './multibase.js';
import { asRecord } from '../lib/json.js';

const PROOF_KEYS = ['created', 'cryptosuite', 'proofPurpose', 'proofValue', 'type', 'verificationMethod'].join();
// The `created` the service writes (whole seconds, UTC); any other spelling is left to the stock verifier.
const CREATED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The compiled verification path (docs/fast-path.md): true when `proof` (eddsa-rdfc-2022) is a valid proof of
 * `credential` by its issuer, established with the checks the stock @digitalbazaar/vc verifier makes: its credential
 * checks at `now`, the verification method loaded and listed under its controller's `assertionMethod`, the
 * controller being the issuer, and the signature over the compiled canonical form. It only ever confirms: a proof it
 * cannot confirm (a bad signature, a shape it does not know, a DID document it would have to frame) answers false,
 * and the caller asks the stock verifier, which also says why. The mutation tests hold the two to one verdict.
 */
export async function confirmCompiled({
  credential,
  proof,
  issuer,
  documentLoader,
  now,
}: {
  credential: Record<string, unknown>;
  proof: Record<string, unknown>;
  /** the credential's issuer id */
  issuer: string | undefined;
  documentLoader: DocumentLoader;
  now: Date;
}): Promise<boolean> {
  if (Object.keys(proof).sort().join() !== PROOF_KEYS) return false;
  const { proofValue, ...proofOptions } = proof;
  const { created, verificationMethod, proofPurpose } = proofOptions;
  if (proofPurpose !== 'assertionMethod' || typeof created !== 'string' || !CREATED.test(created) || typeof verificationMethod !== 'string') {
    return false;
  }
  const signature = typeof proofValue === 'string' && proofValue.startsWith('z') ? decodeBase58btc(proofValue.slice(1)) : undefined;
  if (!signature) return false;
  try {
    vc._checkCredential({ credential: { ...credential, proof }, mode: 'verify', now });
    const method = asRecord((await documentLoader(verificationMethod)).document);
    if (issuer === undefined || method.type !== 'Multikey' || method.controller !== issuer || 'revoked' in method || 'expires' in method) return false;
    const controller = asRecord((await documentLoader(issuer)).document);
    if (!listsAssertionMethod({ controller, issuer, verificationMethod })) return false;
    const verifyData = await compiledVerifyData({ document: credential, proofOptions, documentLoader });
    if (!verifyData) return false;
    const verifier = await createCachedVerifier({ verificationMethod: method });
    return await verifier.verify({ data: verifyData, signature });
  } catch {
    return false;
  }
}

/** The controller document as the stock purpose reads it without framing: DID v1 context first, the key listed by id. */
function listsAssertionMethod({ controller, issuer, verificationMethod }: { controller: Record<string, unknown>; issuer: string; verificationMethod: string }) {
  const context = controller['@context'];
  const didContextFirst = context === DID_V1_CONTEXT || (Array.isArray(context) && context[0] === DID_V1_CONTEXT);
  const listed = controller.assertionMethod;
  return didContextFirst && controller.id === issuer && Array.isArray(listed) && listed.includes(verificationMethod);
}
