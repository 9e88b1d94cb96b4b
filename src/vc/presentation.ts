import jsigs from 'jsonld-signatures';
import { VC_V1_CONTEXT, VC_V2_CONTEXT } from './contexts.js';
import type { DidResolver } from './document-loader.js';
import { idOf, outcomeOf, type ProofOutcome, proofProblem, selectProof, trackingDocumentLoader, verifyingSuite } from './verify-proof.js';
import { asRecord, listOf } from '../lib/json.js';
import { isUri } from '../lib/urls.js';

export interface PresentationProofResult {
  outcome: ProofOutcome;
  /**
   * Who the proof shows presented it: the presentation's `holder`, or, when it names none, the DID whose key made
   * the proof. Only meaningful when the outcome is valid (it is given otherwise so reports can name the claimant).
   */
  holder?: string;
}

/** What is wrong with a presentation's shape (VC Data Model 2.0 §4.13 / 1.1 §4.10), judged before its proof. */
export function presentationShapeProblem(presentation: Record<string, unknown>): string | undefined {
  const contexts = presentation['@context'];
  if (!Array.isArray(contexts) || (contexts[0] !== VC_V2_CONTEXT && contexts[0] !== VC_V1_CONTEXT)) {
    return `the presentation's @context must be an ordered set beginning with ${VC_V2_CONTEXT} (or, for VC 1.1, ${VC_V1_CONTEXT})`;
  }
  const types = Array.isArray(presentation.type) ? presentation.type : [presentation.type];
  if (!types.includes('VerifiablePresentation')) return 'the presentation\'s type must include "VerifiablePresentation"';
  if (presentation.holder !== undefined) {
    // VC DM 2.0 §4.13 (1.1 §4.10): a URL, or an object whose id (§4.4 Identifiers) is a URL
    const holder = idOf(presentation.holder);
    if (holder === undefined || !isUri(holder)) return 'the presentation\'s holder must be a URL or an object with an id URL (such as a DID)';
  }
  return undefined;
}

/** The DID part of a DID URL (`did:key:z6Mk…#z6Mk…` → `did:key:z6Mk…`); undefined when it is not a DID URL. */
const didOf = (url: unknown) => (typeof url === 'string' && url.startsWith('did:') ? url.split('#')[0] : undefined);

/**
 * Verifies a presentation's own proof for DID authentication (VCALM "DID Authentication"; VC Data Integrity
 * authentication purpose): an eddsa-rdfc-2022, eddsa-jcs-2022 or Ed25519Signature2020 proof whose proofPurpose is
 * `authentication`, whose `challenge` is the one the verifier gave and whose `domain` (when the verifier gave one)
 * is its own, made with a key of the holder listed under `authentication` in the holder's DID document. The shape,
 * purpose, challenge, domain, proofValue and key ownership are judged before any DID is resolved; DIDs are
 * resolved through `resolveDid` only. The credentials inside are NOT verified here (each has its own issuer and
 * report). Never throws for a bad presentation.
 */
export async function verifyPresentationProof({
  presentation,
  challenge,
  domain,
  resolveDid,
}: {
  presentation: Record<string, unknown>;
  challenge: string;
  domain?: string;
  resolveDid: DidResolver;
}): Promise<PresentationProofResult> {
  const shape = presentationShapeProblem(presentation);
  if (shape) return { outcome: { outcome: 'invalid', reason: shape } };
  const selected = selectProof(presentation);
  if (selected.found === 'none') return { outcome: { outcome: 'missing' }, holder: idOf(presentation.holder) };
  if (selected.found === 'unsupported') return { outcome: { outcome: 'invalid', reason: selected.reason }, holder: idOf(presentation.holder) };
  const { proof, format } = selected;
  const holder = idOf(presentation.holder) ?? didOf(proof.verificationMethod);
  const invalid = (reason: string): PresentationProofResult => ({ outcome: { outcome: 'invalid', reason, format }, holder });

  if (proof.proofPurpose !== 'authentication') return invalid(`the proof's purpose is ${JSON.stringify(proof.proofPurpose ?? null)}, not "authentication"`);
  if (proof.challenge !== challenge) return invalid(`the proof's challenge ${JSON.stringify(proof.challenge ?? null)} is not the one requested`);
  const domains = Array.isArray(proof.domain) ? proof.domain : [proof.domain];
  if (domain !== undefined && !domains.includes(domain)) return invalid(`the proof's domain ${JSON.stringify(proof.domain ?? null)} is not ${JSON.stringify(domain)}`);
  const problem = proofProblem({ proof, format, document: presentation, signer: holder, role: 'holder' });
  if (problem) return invalid(problem);

  const loader = trackingDocumentLoader(resolveDid);
  const result = await jsigs.verify(
    { ...presentation, proof },
    {
      suite: verifyingSuite(format),
      purpose: new jsigs.purposes.AuthenticationProofPurpose({ challenge, domain }),
      documentLoader: loader.documentLoader,
    },
  );
  return { outcome: outcomeOf(result, loader, format), holder };
}

/** The credentials a presentation carries (`verifiableCredential`: one or a list), each as given. */
export function presentedCredentials(presentation: Record<string, unknown>): unknown[] {
  return listOf(presentation.verifiableCredential);
}

/**
 * The subject DIDs a credential names (`credentialSubject.id` that is a DID, for each subject): the parties the
 * credential is about, whom holder binding compares with the presentation's authenticated holder.
 */
export function subjectDids(credential: unknown): string[] {
  const subjects = asRecord(credential).credentialSubject;
  return (Array.isArray(subjects) ? subjects : [subjects])
    .map((subject) => asRecord(subject).id)
    .filter((id): id is string => typeof id === 'string' && id.startsWith('did:'));
}
