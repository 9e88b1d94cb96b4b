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

const BASE58BTC_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const ED25519_SIGNATURE_BYTES = 64;

/** How many bytes a base58btc string encodes (each leading '1' is a zero byte); undefined if it is not base58btc. */
function base58btcByteLength(text: string): number | undefined {
  let value = 0n;
  for (const character of text) {
    const digit = BASE58BTC_ALPHABET.indexOf(character);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const leadingZeros = /^1*/.exec(text)?.[0].length ?? 0;
  return leadingZeros + (value === 0n ? 0 : Math.ceil(value.toString(16).length / 2));
}

/**
 * VC-DI-EDDSA: an eddsa-rdfc-2022 proofValue is exactly "z" plus the base58btc encoding of the 64-byte signature.
 * The stock decoder forgives whitespace around the value, so the library alone would accept a proofValue that is
 * not the one that was signed out; base58btc has one spelling per byte string, so this check makes it exact.
 */
function proofValueProblem(proofValue: unknown): string | undefined {
  if (typeof proofValue !== 'string') return 'the proof has no proofValue string';
  if (!proofValue.startsWith('z')) return 'the proofValue is not multibase base58btc (it must start with "z")';
  const length = base58btcByteLength(proofValue.slice(1));
  if (length === undefined) return 'the proofValue is not an exact base58btc encoding (it contains other characters, such as whitespace)';
  if (length !== ED25519_SIGNATURE_BYTES) return `the proofValue encodes ${length} bytes, not the ${ED25519_SIGNATURE_BYTES} of an Ed25519 signature`;
  return undefined;
}

/** The key must be one of the issuer's own (a fragment of its DID), as the library checks too, only after resolving. */
function verificationMethodProblem(verificationMethod: unknown, issuer: unknown): string | undefined {
  const issuerId = typeof issuer === 'string' ? issuer : asRecord(issuer).id;
  if (typeof verificationMethod !== 'string') return 'the proof names no verificationMethod';
  if (typeof issuerId !== 'string' || !verificationMethod.startsWith(`${issuerId}#`)) {
    return `the proof's key ${verificationMethod} is not one of the issuer's (${String(issuerId)}#…)`;
  }
  return undefined;
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
  // Everything that can be judged from the document alone is judged before its issuer's DID is resolved, so a
  // malformed or misattributed proof never makes this server fetch a DID document from a host the sender chose.
  const proofProblem = proofValueProblem(proof.proofValue) ?? verificationMethodProblem(proof.verificationMethod, credential.issuer);
  if (proofProblem) return { outcome: 'invalid', reason: proofProblem };

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
