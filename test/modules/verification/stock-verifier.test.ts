import { createRequire } from 'node:module';
import { stockVerifier } from '../../support/stock-verifier.js';
import t, { type Test } from 'tap';
import { build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';

// The INDEPENDENT check: what the service issues must verify with the stock @digitalbazaar libraries and
// a document loader written here (not the service's), resolving did:web over the service's public
// HTTP interface as any outside verifier would.

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
const jsonld = require('jsonld') as {
  expand(input: object, options: { documentLoader: (url: string) => Promise<object>; safe?: boolean }): Promise<Json[]>;
};

const testApp = await build(t);
const { app } = testApp;

const outside = stockVerifier(app);
const { documentLoader } = outside;
const didRequests = outside.fetched;
const stockVerify = (credential: object) => outside.verify(credential);

const expandSafely = (credential: object) => jsonld.expand(structuredClone(credential), { documentLoader, safe: true });

const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);

async function issued(t: Test, body: Json): Promise<Json> {
  const response = await issue(app, token, { achievementId, ...body });
  t.equal(response.statusCode, 201, response.body);
  return response.json().verifiableCredential;
}

const OB = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#';

t.test('the stock verifier and stock contexts accept what the service issues', async (t) => {
  const variants: [string, Json][] = [
    ['English', { recipient: { name: 'Amina El-Sayed' }, language: 'en' }],
    ['Arabic', { recipient: { name: 'أمينة السيد' }, language: 'ar' }],
    [
      'with evidence, narrative, validUntil and a learner DID',
      {
        recipient: { name: 'Omar Farouk', did: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' },
        narrative: 'Designed an AI-assisted assessment for a first-year course.',
        evidence: [
          { url: 'https://example.org/portfolio/omar', name: 'Portfolio', description: 'Assessment design and rubric' },
          { name: 'Peer review' },
        ],
        validUntil: '2099-12-31T23:59:59Z',
      },
    ],
  ];
  for (const [what, body] of variants) {
    await t.test(what, async (t) => {
      const credential = await issued(t, body);
      if (body.validUntil) t.equal(credential.validUntil, '2099-12-31T23:59:59Z', 'validUntil is signed in');
      if (body.evidence) t.equal((credential.evidence as Json[]).length, 2, 'evidence is signed in');
      if (body.narrative) t.equal((credential.credentialSubject as Json).narrative, body.narrative, 'narrative is signed in');
      const before = didRequests.length;
      const result = await stockVerify(credential);
      t.equal(result.verified, true, `${what}: ${result.error ? String(result.error) : ''}`);
      t.equal(result.results?.length, 1, 'one proof checked');
      t.equal(result.results?.[0]?.verified, true);
      t.ok(didRequests.length > before, 'the key was resolved through GET /centres/<slug>/did.json');
      const status = credential.credentialStatus as Json;
      const listPath = new URL(status.statusListCredential as string).pathname;
      t.ok(didRequests.slice(before).every((url) => url === '/centres/egypt-demo/did.json' || url === listPath), 'and only there, besides the status list');
      t.ok(didRequests.slice(before).includes(listPath), 'the status list was read where the credential says');
      t.equal(result.statusResult?.verified, true, 'the stock Bitstring Status List check could read the list');
      t.equal((result.statusResult as { results?: { status: boolean }[] }).results?.[0]?.status, false, 'and the bit is not set');

      // safe mode throws on any undefined term, relative IRI or dropped value
      const expanded = await expandSafely(credential);
      t.equal(expanded.length, 1, 'expands to one node');
      const node = expanded[0] as Json;
      t.same(node['@type'], ['https://www.w3.org/2018/credentials#VerifiableCredential', `${OB}OpenBadgeCredential`]);
      const subject = (node['https://www.w3.org/2018/credentials#credentialSubject'] as Json[])[0] as Json;
      const identifier = (subject[`${OB}identifier`] as Json[])[0] as Json;
      t.same(identifier[`${OB}identityHash`], [{ '@value': (body.recipient as Json).name }], 'the recipient name is an OB identityHash');
      const serialised = JSON.stringify(expanded);
      t.notMatch(serialised, /issuer-dependent|undefined-terms/, 'no term falls back to a catch-all vocabulary');
    });
  }

  await t.test('language-specific content is what was requested', async (t) => {
    const arabic = await issued(t, { recipient: { name: 'ليلى' }, language: 'ar' });
    t.equal(((arabic.credentialSubject as Json).achievement as Json).inLanguage, 'ar');
    t.equal((await stockVerify(arabic)).verified, true);
  });
});

t.test('the stock verifier rejects tampered copies', async (t) => {
  const credential = await issued(t, { recipient: { name: 'Amina El-Sayed' } });
  t.equal((await stockVerify(credential)).verified, true, 'the original verifies');

  const renamed = structuredClone(credential);
  (((renamed.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash = 'Amina El-Sayid';
  const renamedResult = await stockVerify(renamed);
  t.equal(renamedResult.verified, false, 'one character of the name');
  t.equal(renamedResult.results?.[0]?.verified, false);

  const later = structuredClone(credential);
  later.validFrom = '2020-01-01T00:00:00Z';
  t.equal((await stockVerify(later)).verified, false, 'validFrom moved');

  const proofValue = (credential.proof as Json[])[0]?.proofValue as string;
  const reSigned = structuredClone(credential);
  (reSigned.proof as Json[])[0]!.proofValue = `${proofValue.slice(0, -2)}${proofValue.at(-2) === 'A' ? 'B' : 'A'}${proofValue.at(-1)}`;
  t.equal((await stockVerify(reSigned)).verified, false, 'one character of proofValue');

  const undefinedTerm = structuredClone(credential);
  (undefinedTerm.credentialSubject as Json).favouriteColour = 'green';
  t.equal((await stockVerify(undefinedTerm)).verified, false, 'an undefined term');
  await t.rejects(expandSafely(undefinedTerm), 'safe mode really refuses an undefined term (the control for the expansion checks)');
});

t.test('another centre\'s credentials verify with its own DID document, and not with the Egypt one', async (t) => {
  const other = await createCentreWithClient(testApp, { slug: 'jordan-test' });
  const response = await issue(app, other.token, { achievementId, recipient: { name: 'Rana Haddad' } });
  t.equal(response.statusCode, 201, response.body);
  const credential = response.json().verifiableCredential as Json;
  const before = didRequests.length;
  t.equal((await stockVerify(credential)).verified, true);
  t.ok(didRequests.slice(before).includes('/centres/jordan-test/did.json'));

  const egypt = await issued(t, { recipient: { name: 'Rana Haddad' } });
  const swapped = structuredClone(credential);
  swapped.proof = structuredClone(egypt.proof);
  t.equal((await stockVerify(swapped)).verified, false, 'the Egypt centre\'s proof does not carry over');
});
