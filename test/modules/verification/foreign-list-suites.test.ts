import { createCredential, createList } from '@digitalbazaar/vc-bitstring-status-list';
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { json, startHttpsServer } from '../../support/https-server.js';
import { signCredentialAs, type SigningFormat, SIGNING_FORMATS, testSigner, type TestSigner } from '../../support/proof-suites.js';
import { checkOf, didDocument, entry, flipBit, type Json, localFetcher, verify } from '../../support/status-lists.js';

// Other issuers sign their status lists in whichever suite they sign their credentials with: a list secured with
// eddsa-jcs-2022 or Ed25519Signature2020 (and eddsa-rdfc-2022, the control) on the issuer's server (a local HTTPS
// server, reached through the guarded fetcher) is read like any other — its clear bit active, its set bit revoked —
// and the same list changed without re-signing is unreadable, never active.

const server = await startHttpsServer();
t.teardown(() => server.close());
const ORIGIN = `https://issuer.test:${server.port}`; // issuer.test exists only in the test fetcher's resolver

const testApp = await build(t, {}, { fetcher: localFetcher(server) });
const { app } = testApp;
const issued = await issue(app, await demoToken(testApp), { achievementId: await firstAchievementId(app), recipient: { name: 'Amina El-Sayed' } });
if (issued.statusCode !== 201) throw new Error(issued.body);
const { proof: _proof, credentialStatus: _status, ...template } = issued.json().verifiableCredential as Json;

const ACTIVE = 1_337;
const REVOKED = 99_001;
const HOUR = 3_600_000;
const xsd = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A revocation list with REVOKED set, in `issuer`'s name and signed by it in `format`, served at `path`; its URL. */
async function servedList(format: SigningFormat, issuer: TestSigner, path: string): Promise<{ url: string; list: Json }> {
  const url = `${ORIGIN}${path}`;
  const bits = await createList({ length: 131_072 });
  bits.setStatus(REVOKED, true);
  const unsigned = await createCredential({ id: url, list: bits, statusPurpose: 'revocation' });
  const list = await signCredentialAs(format, { ...unsigned, issuer: issuer.did, validFrom: xsd(new Date(Date.now() - HOUR)), validUntil: xsd(new Date(Date.now() + 24 * HOUR)) }, issuer);
  server.routes.set(path, json(list));
  return { url, list };
}

/** One of the issuer's credentials, signed in the list's format, whose entry is `index` of the list at `url`. */
const credentialAt = (format: SigningFormat, issuer: TestSigner, url: string, index: number) =>
  signCredentialAs(format, { ...template, id: `urn:uuid:${randomUUID()}`, issuer: { id: issuer.did, type: ['Profile'], name: 'Independent Academy' }, credentialStatus: entry(url, index) }, issuer);

async function readsList(t: Test, format: SigningFormat, issuer: TestSigner, name: string) {
  const path = `/lists/${name}`;
  const { url, list } = await servedList(format, issuer, path);
  t.match((list.proof as Json[])[0], format === 'Ed25519Signature2020' ? { type: 'Ed25519Signature2020' } : { type: 'DataIntegrityProof', cryptosuite: format }, `control: the list is signed in ${format}`);

  const active = await verify(app, await credentialAt(format, issuer, url, ACTIVE));
  t.match(checkOf(active, 'proof'), { status: 'passed', details: { proofFormat: format } }, 'the credential verifies in the same format');
  t.match(checkOf(active, 'status'), { status: 'passed', code: 'status.active' }, 'the clear bit reads active');
  t.ok(server.hits(path) >= 1, 'the list came from the issuer\'s server');

  const revoked = await verify(app, await credentialAt(format, issuer, url, REVOKED));
  t.match(checkOf(revoked, 'status'), { status: 'failed', code: 'status.revoked' }, 'the set bit reads revoked');
  t.equal(revoked.verdict, 'revoked', 'the verdict');

  // the same list with its revoked bit cleared, not re-signed (a compromised host): unreadable, never active
  const subject = list.credentialSubject as Json;
  server.routes.set(`${path}/cleared`, json({ ...list, id: `${url}/cleared`, credentialSubject: { ...subject, encodedList: flipBit(subject.encodedList as string, REVOKED) } }));
  const cleared = await verify(app, await credentialAt(format, issuer, `${url}/cleared`, REVOKED));
  t.match(checkOf(cleared, 'status'), { status: 'unknown', code: 'status.unreadable', details: { reason: /signature does not verify/, error: 'STATUS_VERIFICATION_ERROR' } }, 'a changed list is refused');
  t.equal(cleared.verified, false, 'not verified');
}

for (const format of SIGNING_FORMATS) {
  t.test(`a did:key issuer's list signed with ${format}`, async (t) => readsList(t, format, await testSigner(), `did-key-${format}`));
  t.test(`a did:web issuer's list signed with ${format} (its DID document on its server)`, async (t) => {
    const did = `did:web:issuer.test%3A${server.port}:academies:${format.toLowerCase()}`;
    const issuer = await testSigner(did);
    server.routes.set(`/academies/${format.toLowerCase()}/did.json`, json(didDocument(issuer)));
    await readsList(t, format, issuer, `did-web-${format}`);
  });
}
