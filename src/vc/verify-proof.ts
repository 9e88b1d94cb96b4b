import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { createVerifyCryptosuite as eddsaJcs2022 } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { ED25519_SIGNATURE_2020_CONTEXT } from './contexts.js';
import { confirmCompiled } from './compiled-verify.js';
import { eddsaRdfc2022 } from './cryptosuite.js';
import { checkCredentialDataModel } from './data-model.js';
import { createDocumentLoader, type DidResolver, type DocumentLoader, DocumentNotFoundError } from './document-loader.js';
import { BASE58BTC_DECODED_LENGTH_LIMIT, decodeBase58btc } from './multibase.js';
import { describeLibraryError } from './sign.js';
import { asRecord } from '../lib/json.js';

/**
 * How a credential was secured, as the report names it. This service issues eddsa-rdfc-2022 (and, on request,
 * vc+jwt: src/vc/jose.ts); it verifies all four.
 */
export type ProofFormat = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'Ed25519Signature2020' | 'vc+jwt';
/** The formats carried in a document's own `proof` (the others envelope the document). */
export type EmbeddedProofFormat = Exclude<ProofFormat, 'vc+jwt'>;

export type ProofOutcome =
  | { outcome: 'valid'; format: ProofFormat }
  | { outcome: 'missing' }
  | { outcome: 'invalid'; reason: string; format?: ProofFormat }
  | { outcome: 'unresolvable'; reason: string; format?: ProofFormat };

const SUPPORTED = 'DataIntegrityProof/eddsa-rdfc-2022, DataIntegrityProof/eddsa-jcs-2022 or Ed25519Signature2020';

function embeddedFormatOf(proof: Record<string, unknown>): EmbeddedProofFormat | undefined {
  if (proof.type === 'DataIntegrityProof' && (proof.cryptosuite === 'eddsa-rdfc-2022' || proof.cryptosuite === 'eddsa-jcs-2022')) return proof.cryptosuite;
  if (proof.type === 'Ed25519Signature2020') return 'Ed25519Signature2020';
  return undefined;
}

/** A verifying suite for one format: the stock suites (ours for eddsa-rdfc-2022, with its caches), never a signer. */
export function verifyingSuite(format: EmbeddedProofFormat): object {
  if (format === 'eddsa-rdfc-2022') return new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  if (format === 'eddsa-jcs-2022') return new DataIntegrityProof({ cryptosuite: eddsaJcs2022() });
  return new Ed25519Signature2020();
}

export type SelectedProof =
  | { found: 'proof'; proof: Record<string, unknown>; format: EmbeddedProofFormat }
  | { found: 'none' }
  | { found: 'unsupported'; reason: string };

/**
 * The proof this verifier checks: the first of a supported format (a document may carry others beside it). Only
 * that proof is handed to the library, so the report says exactly which proof it judged.
 */
export function selectProof(document: Record<string, unknown>): SelectedProof {
  const { proof: value } = document;
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return { found: 'none' };
  const proofs = (Array.isArray(value) ? value : [value]).map(asRecord);
  for (const proof of proofs) {
    const format = embeddedFormatOf(proof);
    if (format) return { found: 'proof', proof, format };
  }
  const named = proofs.map((candidate) => [candidate.type, candidate.cryptosuite].filter((part) => typeof part === 'string').join('/')).filter(Boolean).join(', ');
  return { found: 'unsupported', reason: `${named ? `unsupported proof ${named}` : 'the proof is not a proof object'}; this verifier checks ${SUPPORTED}` };
}

/** The instant at which to let the library judge structure: inside the validity window, so that an expired
 * or not-yet-valid credential is reported by our validity check rather than as a broken signature. */
export function instantInsideValidity(credential: Record<string, unknown>, proof: Record<string, unknown>): Date {
  const parse = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value) : undefined);
  // VC 2.0 names the window validFrom/validUntil, VC 1.1 issuanceDate/expirationDate (the library checks the latter)
  const from = parse(credential.validFrom ?? credential.issuanceDate);
  const until = parse(credential.validUntil ?? credential.expirationDate);
  let instant = parse(proof.created) ?? new Date();
  if (from && instant < from) instant = from;
  if (until && instant > until) instant = until;
  return instant;
}

const ED25519_SIGNATURE_BYTES = 64;

/**
 * VC-DI-EDDSA (eddsa-rdfc-2022, eddsa-jcs-2022) and Ed25519Signature2020 alike: the proofValue is exactly "z" plus
 * the base58btc encoding of the 64-byte signature. The stock decoder forgives whitespace around the value, so the
 * library alone would accept a proofValue that is not the one that was signed out; base58btc has one spelling per
 * byte string, so this check makes it exact.
 */
function proofValueProblem(proofValue: unknown): string | undefined {
  if (typeof proofValue !== 'string') return 'the proof has no proofValue string';
  if (!proofValue.startsWith('z')) return 'the proofValue is not multibase base58btc (it must start with "z")';
  // refused before decoding, which takes time quadratic in the length
  if (proofValue.length - 1 > BASE58BTC_DECODED_LENGTH_LIMIT) return `the proofValue is ${proofValue.length} characters long; an Ed25519 signature's is at most 89`;
  const length = decodeBase58btc(proofValue.slice(1))?.length;
  if (length === undefined) return 'the proofValue is not an exact base58btc encoding (it contains other characters, such as whitespace)';
  if (length !== ED25519_SIGNATURE_BYTES) return `the proofValue encodes ${length} bytes, not the ${ED25519_SIGNATURE_BYTES} of an Ed25519 signature`;
  return undefined;
}

/** The id of the party a document names (an issuer or holder given as a string or as an object with an id). */
export function idOf(party: unknown): string | undefined {
  const id = typeof party === 'string' ? party : asRecord(party).id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Everything about a proof that can be judged from the document alone, before any DID is resolved: the exact
 * proofValue, a key that belongs to `signer` (`<signer>#…`; the library checks this too, only after resolving),
 * and, for Ed25519Signature2020, its suite context in the document (without it the suite does not even match the
 * proof, and the library would say only "no matching proofs").
 */
export function proofProblem({
  proof,
  format,
  document,
  signer,
  role,
}: {
  proof: Record<string, unknown>;
  format: EmbeddedProofFormat;
  document: Record<string, unknown>;
  /** the DID whose key must have made the proof */
  signer: string | undefined;
  /** how the document names that party, for the message */
  role: 'issuer' | 'holder';
}): string | undefined {
  const valueProblem = proofValueProblem(proof.proofValue);
  if (valueProblem) return valueProblem;
  const { verificationMethod } = proof;
  if (typeof verificationMethod !== 'string') return 'the proof names no verificationMethod';
  if (signer === undefined || !verificationMethod.startsWith(`${signer}#`)) {
    return `the proof's key ${verificationMethod} is not one of the ${role}'s (${String(signer)}#…)`;
  }
  const contexts = document['@context'];
  if (format === 'Ed25519Signature2020' && !(Array.isArray(contexts) && contexts.includes(ED25519_SIGNATURE_2020_CONTEXT))) {
    return `an Ed25519Signature2020 proof needs ${ED25519_SIGNATURE_2020_CONTEXT} in the document's @context`;
  }
  return undefined;
}

/**
 * The bundled-contexts loader over `resolveDid`, remembering why a DID or a document could not be had: a DID that
 * cannot be resolved makes the proof unresolvable (not forged); a document the loader refuses makes it invalid.
 */
export function trackingDocumentLoader(resolveDid: DidResolver): { documentLoader: DocumentLoader; unresolvable(): string | undefined; refused(): string | undefined } {
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
  const documentLoader: DocumentLoader = async (url) => {
    try {
      return await loader(url);
    } catch (error) {
      if (error instanceof DocumentNotFoundError) refused ??= error.message;
      throw error;
    }
  };
  return { documentLoader, unresolvable: () => unresolvable, refused: () => refused };
}

/** What a library verification result means for the proof, with the most telling reason when it did not verify. */
export function outcomeOf(
  result: { verified: boolean; error?: unknown; results?: { error?: unknown }[] },
  loader: ReturnType<typeof trackingDocumentLoader>,
  format: ProofFormat,
): ProofOutcome {
  if (result.verified) return { outcome: 'valid', format };
  const unresolvable = loader.unresolvable();
  if (unresolvable) return { outcome: 'unresolvable', reason: unresolvable, format };
  const refused = loader.refused();
  if (refused) return { outcome: 'invalid', reason: refused, format };
  const errors = [...[result.error].flat(), ...(result.results ?? []).map((entry) => entry.error)].filter(Boolean);
  const reason = errors.length > 0 ? describeLibraryError(errors.at(-1)) : 'the signature does not verify';
  return { outcome: 'invalid', reason: reason.includes('Invalid signature') ? 'the signature does not verify' : reason, format };
}

/**
 * Checks a credential's embedded proof (DataIntegrityProof eddsa-rdfc-2022 or eddsa-jcs-2022, or
 * Ed25519Signature2020) with the stock @digitalbazaar/vc verifier and the bundled-contexts loader; DIDs are
 * resolved by `resolveDid` only. Never throws for a bad credential.
 */
export async function verifyCredentialProof({
  credential,
  resolveDid,
}: {
  credential: Record<string, unknown>;
  resolveDid: DidResolver;
}): Promise<ProofOutcome> {
  const selected = selectProof(credential);
  if (selected.found === 'none') return { outcome: 'missing' };
  if (selected.found === 'unsupported') return { outcome: 'invalid', reason: selected.reason };
  const { proof, format } = selected;
  // The library's own messages for malformed credentials are internal (e.g. "Cannot use 'in' operator");
  // the data-model rules say what is wrong in the credential's terms.
  const [violation] = checkCredentialDataModel(credential, { allowProof: true });
  if (violation) return { outcome: 'invalid', reason: `the credential is malformed: ${violation.message}`, format };
  // Everything that can be judged from the document alone is judged before its issuer's DID is resolved, so a
  // malformed or misattributed proof never makes this server fetch a DID document from a host the sender chose.
  const issuer = idOf(credential.issuer);
  const problem = proofProblem({ proof, format, document: credential, signer: issuer, role: 'issuer' });
  if (problem) return { outcome: 'invalid', reason: problem, format };

  const loader = trackingDocumentLoader(resolveDid);
  const now = instantInsideValidity(credential, proof);
  // The compiled path confirms the service's own credentials; whatever it does not confirm, the stock verifier
  // judges and explains.
  if (format === 'eddsa-rdfc-2022' && (await confirmCompiled({ credential, proof, issuer, documentLoader: loader.documentLoader, now }))) {
    return { outcome: 'valid', format };
  }
  const result = await vc.verifyCredential({
    credential: { ...credential, proof },
    suite: verifyingSuite(format),
    documentLoader: loader.documentLoader,
    now,
    // Status is judged by the status check of the report, not folded into the proof result.
    checkStatus: async () => ({ verified: true }),
  });
  return outcomeOf(result, loader, format);
}
