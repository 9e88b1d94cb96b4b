import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t from 'tap';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from '../../src/vc/contexts.js';
import { eddsaRdfc2022, keyObjectSigner } from '../../src/vc/cryptosuite.js';
import { buildDidDocument, verificationMethodId } from '../../src/vc/did-web.js';
import { createDocumentLoader } from '../../src/vc/document-loader.js';
import { generateEd25519KeyPair } from '../../src/vc/keys.js';

const did = 'did:web:localhost%3A3000:centres:test';
const documentLoader = createDocumentLoader();
const options = { documentLoader, safe: true, base: null };

const credential = (name: string) => ({
  '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
  id: 'http://localhost:3000/credentials/2b0c3f0e-7d4c-4f0e-9c1a-5d2e8f9a0b1c',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Course',
  issuer: { id: did, type: ['Profile'], name: 'Centre' },
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{ type: 'IdentityObject', identityHash: name, identityType: 'name', hashed: false }],
    achievement: { id: 'http://localhost:3000/achievements/1', type: ['Achievement'], name: 'Course', description: 'd', criteria: { narrative: 'n' } },
  },
});

t.test('canonical forms are the stock suite\'s, from cache or not', async (t) => {
  for (const created of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z']) {
    const proofConfiguration = {
      '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      created,
      verificationMethod: `${did}#z6MkExample`,
      proofPurpose: 'assertionMethod',
    };
    const stock = await stockCryptosuite.canonize(proofConfiguration, options);
    t.equal(await eddsaRdfc2022.canonize(proofConfiguration, options), stock, `first call, ${created}`);
    t.equal(await eddsaRdfc2022.canonize(structuredClone(proofConfiguration), options), stock, `cached call, ${created}`);
    t.match(stock, created, 'the value that changes is in the canonical form');
  }
  const document = credential('Amina');
  t.equal(await eddsaRdfc2022.canonize(document, options), await stockCryptosuite.canonize(document, options));
});

t.test('a proof configuration with an unbundled context is refused every time, never served from cache', async (t) => {
  const configuration = { '@context': [VC_V2_CONTEXT, 'https://example.org/ctx.json'], type: 'DataIntegrityProof', created: '2026-01-01T00:00:00Z' };
  await t.rejects(eddsaRdfc2022.canonize(configuration, options));
  await t.rejects(eddsaRdfc2022.canonize(configuration, options));
});

t.test('the service suite and the stock suite produce byte-identical proofs', async (t) => {
  const pair = await generateEd25519KeyPair();
  const id = verificationMethodId(did, pair.publicKeyMultibase);
  const date = '2026-03-01T10:00:00Z';
  const stockKey = await Ed25519Multikey.fromJwk({ jwk: pair.privateKey.export({ format: 'jwk' }), secretKey: true, id, controller: did });
  for (const name of ['Amina El-Sayed', 'أمينة السيد', '李伟']) {
    const ours = await vc.issue({
      credential: credential(name),
      suite: new DataIntegrityProof({ signer: keyObjectSigner(id, pair.privateKey), cryptosuite: eddsaRdfc2022, date }),
      documentLoader,
    });
    const stock = await vc.issue({
      credential: credential(name),
      suite: new DataIntegrityProof({ signer: stockKey.signer(), cryptosuite: stockCryptosuite, date }),
      documentLoader,
    });
    t.same(ours.proof, stock.proof, name);
  }
  // And a verifier with the cached key import accepts the stock proof, and rejects a changed document.
  const didDocument = buildDidDocument({ did, keys: [pair], publicBaseUrl: 'https://credentials.example' });
  const loader = createDocumentLoader({ resolveDid: async (requested) => (requested === did ? didDocument : undefined) });
  const signed = await vc.issue({ credential: credential('Amina'), suite: new DataIntegrityProof({ signer: stockKey.signer(), cryptosuite: stockCryptosuite }), documentLoader });
  const verify = (document: object) => vc.verifyCredential({ credential: document, suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), documentLoader: loader });
  t.equal((await verify(signed)).verified, true);
  t.equal((await verify({ ...signed, name: 'Other course' })).verified, false);
});
