import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalbazaar/ed25519-verification-key-2020';
import { createSignCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { withProofArray } from '../../src/vc/sign.js';
import { outsideContextLoader } from './outside-contexts.js';
import type { OutsideIssuer } from './status-lists.js';

// Signing in every proof format this service verifies, with the stock suites only (never the service's signer):
// eddsa-rdfc-2022 and eddsa-jcs-2022 (DataIntegrityProof), and Ed25519Signature2020 with an
// Ed25519VerificationKey2020 key, as deployed wallets (the DCC Learner Credential Wallet) sign.

type Json = Record<string, unknown>;

export type SigningFormat = 'eddsa-rdfc-2022' | 'eddsa-jcs-2022' | 'Ed25519Signature2020';
export const SIGNING_FORMATS: SigningFormat[] = ['eddsa-rdfc-2022', 'eddsa-jcs-2022', 'Ed25519Signature2020'];
export const ED25519_2020_CONTEXT = 'https://w3id.org/security/suites/ed25519-2020/v1';

/** Something that signs with one Ed25519 key named `id`. */
type Signer = { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };

/** A party with one Ed25519 key: its DID, its verification method, and the same key as a 2020 key pair. */
export interface TestSigner extends OutsideIssuer {
  key2020: Awaited<ReturnType<typeof Ed25519VerificationKey2020.generate>>;
}

/**
 * A signer whose DID is `did` (a did:web served by the test) or, by default, the did:key of its own key, with the
 * verification method `<did>#<publicKeyMultibase>`.
 */
export async function testSigner(did?: string): Promise<TestSigner> {
  const key2020 = await Ed25519VerificationKey2020.generate();
  const multibase = key2020.fingerprint();
  const controller = did ?? `did:key:${multibase}`;
  key2020.id = `${controller}#${multibase}`;
  key2020.controller = controller;
  const key = await Ed25519Multikey.from(key2020.export({ publicKey: true, privateKey: true, includeContext: true }));
  return { did: controller, key, key2020, method: { id: key2020.id, type: 'Multikey', controller, publicKeyMultibase: multibase } };
}

/** A stock signing suite for the format: the test signer's own key, or `signer` (e.g. keyObjectSigner over a centre's key). */
export function signingSuite(format: SigningFormat, signer: TestSigner | Signer): object {
  if ('key2020' in signer) {
    if (format === 'Ed25519Signature2020') return new Ed25519Signature2020({ key: signer.key2020 });
    return new DataIntegrityProof({ signer: signer.key.signer(), cryptosuite: format === 'eddsa-jcs-2022' ? createSignCryptosuite() : eddsaRdfc2022 });
  }
  if (format === 'Ed25519Signature2020') return new Ed25519Signature2020({ signer });
  return new DataIntegrityProof({ signer, cryptosuite: format === 'eddsa-jcs-2022' ? createSignCryptosuite() : eddsaRdfc2022 });
}

/** The document's @context with the Ed25519Signature2020 suite context added when that suite signs (it requires it). */
export function contextsFor(format: SigningFormat, contexts: unknown): unknown[] {
  const list = Array.isArray(contexts) ? contexts : [contexts];
  return format === 'Ed25519Signature2020' && !list.includes(ED25519_2020_CONTEXT) ? [...list, ED25519_2020_CONTEXT] : list;
}

/** The credential (without its proof and with the contexts the format needs) signed in `format`, `proof` as an array. */
export async function signCredentialAs(format: SigningFormat, credential: Json, signer: TestSigner | Signer): Promise<Json> {
  const { proof: _proof, ...unsigned } = structuredClone(credential);
  const document = { ...unsigned, '@context': contextsFor(format, unsigned['@context']) };
  return withProofArray(await vc.issue({ credential: document, suite: signingSuite(format, signer), documentLoader: outsideContextLoader }));
}

/** A presentation signed in `format` for DID authentication (proofPurpose authentication, challenge and domain). */
export async function signPresentationAs(
  format: SigningFormat,
  presentation: Json,
  signer: TestSigner | Signer,
  { challenge, domain }: { challenge: string; domain?: string },
): Promise<Json> {
  const document = { ...structuredClone(presentation), '@context': contextsFor(format, presentation['@context']) };
  return vc.signPresentation({ presentation: document, suite: signingSuite(format, signer), challenge, domain, documentLoader: outsideContextLoader });
}
