import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from './contexts.js';

/** A did:key this verifier cannot turn into a DID document; the message says why (the caller names the DID). */
export class DidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DidKeyError';
  }
}

// Leading characters of base58btc multikeys by key type (did:key spec §3.1.x test vectors), to name what
// was sent when it is not Ed25519.
const OTHER_KEY_TYPES: [prefix: string, name: string][] = [
  ['z6LS', 'X25519 (key agreement only)'],
  ['zQ3s', 'secp256k1'],
  ['zDn', 'P-256'],
  ['z82', 'P-384'],
  ['z2J9', 'P-521'],
  ['zUC7', 'BLS12-381'],
  ['z4MX', 'RSA'],
  ['zgg', 'RSA'],
];

/**
 * The DID document of an Ed25519 did:key (`did:key:z6Mk…`), built offline as the did:key spec's
 * "Create" operation does: one Multikey verification method `did:key:<mb>#<mb>` used for authentication,
 * assertion and capabilities. Throws a DidKeyError for other key types and malformed keys.
 *
 * That one Multikey method serves every suite this service verifies: the Data Integrity suites read Multikey, and
 * Ed25519Signature2020 imports any Ed25519 method through ed25519-multikey and re-exports it as an
 * Ed25519VerificationKey2020 itself. A second, 2020-typed entry could not share the id `did:key:<mb>#<mb>` that
 * wallets (the DCC Learner Credential Wallet among them) put in their proofs, so there is none.
 */
export async function resolveDidKey(did: string): Promise<Record<string, unknown>> {
  const multibase = /^did:key:(z[1-9A-HJ-NP-Za-km-z]+)$/.exec(did)?.[1];
  if (!multibase) throw new DidKeyError('it is not a did:key with a base58btc multibase key');
  if (!multibase.startsWith('z6Mk')) {
    const type = OTHER_KEY_TYPES.find(([prefix]) => multibase.startsWith(prefix))?.[1];
    throw new DidKeyError(`it holds ${type ? `a ${type}` : 'an unsupported'} key; only Ed25519 keys (did:key:z6Mk…) are supported`);
  }
  const id = `${did}#${multibase}`;
  // The library reads any two-byte header and any length, so the key must also encode back to exactly
  // the same multibase: that proves the ed25519-pub header and a 32-byte key.
  let reencoded: unknown;
  try {
    const keyPair = await Ed25519Multikey.from({ '@context': MULTIKEY_V1_CONTEXT, id, type: 'Multikey', controller: did, publicKeyMultibase: multibase });
    if ((keyPair.publicKey as Uint8Array).length === 32) {
      reencoded = (await keyPair.export({ publicKey: true, includeContext: false })).publicKeyMultibase;
    }
  } catch {
    reencoded = undefined;
  }
  if (reencoded !== multibase) throw new DidKeyError('it does not hold a valid Ed25519 public key');
  const verificationMethod = { id, type: 'Multikey', controller: did, publicKeyMultibase: multibase };
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: did,
    verificationMethod: [verificationMethod],
    authentication: [id],
    assertionMethod: [id],
    capabilityInvocation: [id],
    capabilityDelegation: [id],
  };
}
