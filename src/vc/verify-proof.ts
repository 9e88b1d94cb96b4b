import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as vc from '@digitalbazaar/vc';
import { eddsaRdfc2022 } from './cryptosuite.js';
import { checkCredentialDataModel } from './data-model.js';
import { createDocumentLoader, type DidResolver, DocumentNotFoundError } from './document-loader.js';
import { describeLibraryError } from './sign.js';
import { asRecord } from '../lib/json.js';

export type ProofOutcome =
  | { outcome: 'valid' }
  | { outcome: 'missing' }
  | { outcome: 'invalid'; reason: string }
  | { outcome: 'unresolvable'; reason: string };

/** The instant at which to let the library judge structure: inside the validity window, so that an expired
 * or not-yet-valid credential is reported by our validity check rather than as a broken signature. */
function instantInsideValidity(credential: Record<string, unknown>, proof: Record<string, unknown>): Date {
  const parse = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  const from = parse(credential.validFrom);
  const until = parse(credential.validUntil);
  let instant = parse(proof.created) ?? new Date();
  if (from && instant < from) instant = from;
  if (until && instant > until) instant = until;
  return instant;
}

/**
 * Checks the Data Integrity proof (eddsa-rdfc-2022) with the stock @digitalbazaar/vc verifier and the
 * bundled-contexts loader; DIDs are resolved by `resolveDid` only. Never throws for a bad credential.
 */
export async function verifyCredentialProof({
  credential,
  resolveDid,
}: {
  credential: Record<string, unknown>;
  resolveDid: DidResolver;
}): Promise<ProofOutcome> {
  const { proof: proofValue } = credential;
  if (proofValue === undefined || proofValue === null || (Array.isArray(proofValue) && proofValue.length === 0)) return { outcome: 'missing' };
  const proofs = (Array.isArray(proofValue) ? proofValue : [proofValue]).map(asRecord);
  const proof = proofs.find((candidate) => candidate.type === 'DataIntegrityProof' && candidate.cryptosuite === 'eddsa-rdfc-2022');
  if (!proof) {
    const found = proofs.map((candidate) => [candidate.type, candidate.cryptosuite].filter(Boolean).join('/')).filter(Boolean).join(', ');
    return { outcome: 'invalid', reason: `${found ? `unsupported proof ${found}` : 'the proof is not a proof object'}; this verifier checks DataIntegrityProof/eddsa-rdfc-2022` };
  }
  // The library's own messages for malformed credentials are internal (e.g. "Cannot use 'in' operator");
  // the data-model rules say what is wrong in the credential's terms.
  const [violation] = checkCredentialDataModel(credential, { allowProof: true });
  if (violation) return { outcome: 'invalid', reason: `the credential is malformed: ${violation.message}` };

  let unresolvable: string | undefined;
  let refused: string | undefined;
  const loader = createDocumentLoader({
    resolveDid: async (did) => {
      try {
        const document = await resolveDid(did);
        if (!document) unresolvable = `the DID ${did} could not be resolved`;
        return document;
      } catch (error) {
        unresolvable = `the DID ${did} could not be resolved: ${(error as Error).message}`;
        return undefined;
      }
    },
  });
  // jsonld replaces a loader failure with a generic "dereferencing a URL" message; keep the real reason.
  const documentLoader: typeof loader = async (url) => {
    try {
      return await loader(url);
    } catch (error) {
      if (error instanceof DocumentNotFoundError) refused ??= error.message;
      throw error;
    }
  };
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
    documentLoader,
    now: instantInsideValidity(credential, proof),
    // Status is judged by the status check of the report, not folded into the proof result.
    checkStatus: async () => ({ verified: true }),
  });
  if (result.verified) return { outcome: 'valid' };
  if (unresolvable) return { outcome: 'unresolvable', reason: unresolvable };
  if (refused) return { outcome: 'invalid', reason: refused };
  const errors = [result.error, ...(result.results ?? []).map((entry) => entry.error)].filter(Boolean);
  const reason = errors.length > 0 ? describeLibraryError(errors.at(-1)) : 'the signature does not verify';
  return { outcome: 'invalid', reason: reason.includes('Invalid signature') ? 'the signature does not verify' : reason };
}
