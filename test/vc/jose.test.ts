import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { CompactSign, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import t from 'tap';
import { setCentreStatus } from '../../src/modules/centres/service.js';
import { compromiseCentreKey } from '../../src/modules/keys/admin.js';
import { centreDid } from '../../src/vc/did-web.js';
import { envelopeCredential, verifyEnvelopedCredential } from '../../src/vc/jose.js';
import { jsonWebKeyMethodId } from '../../src/vc/json-web-key.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../helper.js';
import { json, startHttpsServer } from '../support/https-server.js';
import { checkOf, type Json, localFetcher, verify } from '../support/status-lists.js';

// VC-JOSE-COSE (application/vc+jwt): our envelope round-trips through our verifier AND through an independent
// jose.jwtVerify with the JWK our DID document publishes; what the specification forbids or our DID documents do
// not vouch for is refused by name, the header and payload before any DID is resolved. Other issuers' did:web
// documents, served by a local HTTPS server, must publish a public Ed25519 JsonWebKey they control.

const server = await startHttpsServer();
t.teardown(() => server.close());
const HOST = `issuer.test%3A${server.port}`; // issuer.test exists only in the test fetcher's resolver
const testApp = await build(t, {}, { fetcher: localFetcher(server) });
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const DID = centreDid(BASE_URL, 'egypt-demo');
const centreId = (await app.ctx.lookups.issuer('egypt-demo'))!.centre.id;
const key = await app.ctx.keys.activeAssertionKey({ centreId, did: DID });

async function unsecured(body: Json = {}): Promise<Json> {
  const response = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Sayed' }, ...body });
  if (response.statusCode !== 201) throw new Error(response.body);
  const { proof: _proof, ...credential } = response.json().verifiableCredential as Json;
  return credential;
}

const credential = await unsecured();
const beforeSigning = Math.floor(Date.now() / 1000);
const envelope = await envelopeCredential({ credential, key });
const afterSigning = Math.floor(Date.now() / 1000);
const jwtOf = (enveloped: { id: string }) => enveloped.id.slice('data:application/vc+jwt,'.length);
const jwt = jwtOf(envelope);
const resolved: string[] = [];
const resolveDid = async (did: string) => (resolved.push(did), app.ctx.resolveDid(did));

/** A JWS over `payload` with `header`, signed with the centre's key (for the cases the envelope function refuses to make). */
const signed = (header: Json, payload: unknown) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
const parts = (compact: string) => compact.split('.') as [string, string, string];
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

t.test('the envelope: an EnvelopedVerifiableCredential holding a vc+jwt whose payload is the credential itself', async (t) => {
  t.same(Object.keys(envelope).sort(), ['@context', 'id', 'type']);
  t.equal(envelope['@context'], 'https://www.w3.org/ns/credentials/v2');
  t.equal(envelope.type, 'EnvelopedVerifiableCredential');
  t.match(envelope.id, /^data:application\/vc\+jwt,[\w-]+\.[\w-]+\.[\w-]+$/);
  const header = decodeProtectedHeader(jwt);
  const didDocument = (await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json();
  const jwkMethod = didDocument.verificationMethod.find((method: Json) => method.type === 'JsonWebKey');
  t.same(header, { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: jwkMethod.id }, 'the kid is the JsonWebKey method of the key that signed');
  const { iat, ...payload } = JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString());
  t.same(payload, credential, 'the payload is the unsecured credential, no vc claim');
  t.ok(Number.isInteger(iat) && iat >= beforeSigning && iat <= afterSigning, `iat is the signing instant in seconds (${iat})`);
});

t.test('an independent jose.jwtVerify with the JWK from our DID document accepts it', async (t) => {
  const { kid } = decodeProtectedHeader(jwt);
  const didDocument = (await app.inject({ method: 'GET', url: '/centres/egypt-demo/did.json' })).json();
  t.ok(didDocument.assertionMethod.includes(kid), 'the kid is an assertion method');
  const method = didDocument.verificationMethod.find((candidate: Json) => candidate.id === kid);
  const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(method.publicKeyJwk, 'EdDSA'), { typ: 'vc+jwt', algorithms: ['EdDSA'], maxTokenAge: '1 minute' });
  t.same(payload, { ...credential, iat: payload.iat }, 'the credential, with an iat jose accepts as recent');
  t.equal(protectedHeader.cty, 'vc');
});

t.test('round trip through our verifier, and through the product report', async (t) => {
  const result = await verifyEnvelopedCredential({ envelope, resolveDid });
  t.same(result, { credential: { ...credential, iat: result.credential?.iat }, header: decodeProtectedHeader(jwt), outcome: { outcome: 'valid', format: 'vc+jwt' } });
  t.same(await verifyEnvelopedCredential({ jwt, resolveDid }), result, 'the bare JWT too');

  const report = await verify(app, envelope as unknown as Json);
  t.equal(report.verdict, 'valid', JSON.stringify(report.checks.filter((check) => check.status !== 'passed')));
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid', details: { proofFormat: 'vc+jwt' } });
  t.match(checkOf(report, 'status'), { status: 'passed', code: 'status.active' }, 'the enveloped credential\'s status entry was read');
  t.match((report as unknown as { credential: Json }).credential, { id: credential.id, recipient: 'Amina El-Sayed' }, 'the summary is of the enveloped credential');
});

t.test('expired (validUntil) and tampered envelopes are reported', async (t) => {
  const expired = await envelopeCredential({ credential: { ...(await unsecured()), validUntil: '2021-01-01T00:00:00Z', validFrom: '2020-01-01T00:00:00Z' }, key });
  const report = await verify(app, expired as unknown as Json);
  t.equal(report.verdict, 'expired');
  t.match(checkOf(report, 'proof'), { status: 'passed', details: { proofFormat: 'vc+jwt' } }, 'a good signature on an expired credential');
  t.match(checkOf(report, 'validity'), { status: 'failed', code: 'validity.expired' });

  const [header, payload, signature] = parts(jwt);
  const renamed = structuredClone(credential);
  (((renamed.credentialSubject as Json).identifier as Json[])[0] as Json).identityHash = 'Amina El-Sayid';
  const cases: [string, string, RegExp][] = [
    ['a changed payload', `${header}.${b64(renamed)}.${signature}`, /^the signature does not verify$/],
    ['a changed header (cty left out)', `${b64({ alg: 'EdDSA', typ: 'vc+jwt', kid: decodeProtectedHeader(jwt).kid })}.${payload}.${signature}`, /^the signature does not verify$/],
    ['another signature', `${header}.${payload}.${parts(jwtOf(expired))[2]}`, /^the signature does not verify$/],
  ];
  for (const [what, compact, reason] of cases) {
    const result = await verifyEnvelopedCredential({ jwt: compact, resolveDid });
    t.match(result.outcome, { outcome: 'invalid', format: 'vc+jwt', reason }, what);
    const tamperedReport = await verify(app, { '@context': 'https://www.w3.org/ns/credentials/v2', id: `data:application/vc+jwt,${compact}`, type: 'EnvelopedVerifiableCredential' });
    t.equal(tamperedReport.verdict, 'invalid', `${what}: the report's verdict`);
    t.match(checkOf(tamperedReport, 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: 'vc+jwt', reason } });
  }
});

t.test('what VC-JOSE-COSE forbids or our DID document does not vouch for, refused by name', async (t) => {
  const { kid } = decodeProtectedHeader(jwt) as { kid: string };
  const multikeyId = key.verificationMethodId;
  const good = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid };
  const judgedAlone: [string, string, RegExp][] = [
    ['alg none', `${b64({ alg: 'none', typ: 'vc+jwt' })}.${b64(credential)}.`, /alg "none"/],
    ['alg HS256', await signed({ ...good, alg: 'EdDSA' }, credential).then((compact) => `${b64({ ...good, alg: 'HS256' })}.${parts(compact)[1]}.${parts(compact)[2]}`), /algorithm "HS256" is not accepted/],
    ['typ JWT', await signed({ ...good, typ: 'JWT' }, credential), /typ is "JWT", not "vc\+jwt"/],
    ['no typ', await signed({ alg: 'EdDSA', kid }, credential), /typ is null/],
    ['cty vp', await signed({ ...good, cty: 'vp' }, credential), /cty is "vp"/],
    ['a vc claim (the JWT-VC 1.1 shape)', await signed(good, { vc: credential, iss: DID }), /"vc" claim, which VC-JOSE-COSE forbids/],
    ['a payload that is not a credential', await signed(good, { hello: 'world', issuer: DID }), /the enveloped credential is malformed/],
    ['a credential with its own proof inside', await signed(good, { ...credential, proof: { type: 'DataIntegrityProof' } }), /malformed/],
    ['an expired JWT (exp)', await signed(good, { ...credential, exp: 1_600_000_000 }), /the JWT expired at 2020-09-13/],
    ['critical header parameters (crit)', await signed(good, credential).then((compact) => `${b64({ ...good, crit: ['b64'], b64: false })}.${parts(compact)[1]}.${parts(compact)[2]}`), /critical header parameters/],
    ['not yet valid (nbf in 2100)', await signed(good, { ...credential, nbf: 4_102_444_800 }), /not valid before 2100-01-01/],
    ['a kid of another DID', await signed({ ...good, kid: `did:web:elsewhere.example#${kid.split('#')[1]}` }, credential), /kid "did:web:elsewhere\.example#.*" is not a key of the issuer/],
    ['no kid', await signed({ alg: 'EdDSA', typ: 'vc+jwt' }, credential), /kid null is not a key of the issuer/],
    ['not a JWS', 'abc.def', /three base64url parts/],
    ['a header that is not JSON', `${Buffer.from('{alg').toString('base64url')}.${b64(credential)}.AA`, /not base64url-encoded JSON/],
  ];
  resolved.length = 0;
  for (const [what, compact, reason] of judgedAlone) {
    t.match((await verifyEnvelopedCredential({ jwt: compact, resolveDid })).outcome, { outcome: 'invalid', reason }, what);
  }
  t.same(resolved, [], 'none of these resolved a DID');

  const afterResolving: [string, string, RegExp][] = [
    ['the Multikey method as kid (not a JsonWebKey)', await signed({ ...good, kid: multikeyId }, credential), /is a "Multikey", not a JsonWebKey/],
    ['a kid the DID document does not list', await signed({ ...good, kid: `${DID}#not-a-key` }, credential), /is not an assertion method in the issuer's DID document/],
  ];
  for (const [what, compact, reason] of afterResolving) {
    t.match((await verifyEnvelopedCredential({ jwt: compact, resolveDid })).outcome, { outcome: 'invalid', reason }, what);
  }
  const unknownCentre = `${BASE_URL.replace('http://', 'did:web:').replace(':3000', '%3A3000')}:centres:atlantis`;
  t.match(
    (await verifyEnvelopedCredential({ jwt: await signed({ ...good, kid: `${unknownCentre}#x` }, { ...credential, issuer: unknownCentre }), resolveDid })).outcome,
    { outcome: 'unresolvable', reason: /could not be resolved/ },
    'an issuer DID that cannot be resolved: unresolvable, not forged',
  );

  const notEnvelopes: [string, unknown, RegExp][] = [
    ['another type', { ...envelope, type: 'VerifiableCredential' }, /not an EnvelopedVerifiableCredential/],
    ['another media type', { ...envelope, id: envelope.id.replace('vc+jwt', 'vc+sd-jwt') }, /data: URL of media type application\/vc\+jwt/],
    ['a 1.1 context', { ...envelope, '@context': ['https://www.w3.org/2018/credentials/v1'] }, /must be https:\/\/www\.w3\.org\/ns\/credentials\/v2/],
  ];
  for (const [what, value, reason] of notEnvelopes) {
    t.match((await verifyEnvelopedCredential({ envelope: value, resolveDid })).outcome, { outcome: 'invalid', reason }, what);
  }
  await t.rejects(envelopeCredential({ credential: { ...credential, proof: {} }, key }), /carries no proof/, 'the envelope function refuses a secured credential');
  await t.rejects(envelopeCredential({ credential: { ...credential, vc: {} }, key }), /forbids the vc and vp claims/);
});

t.test('another issuer\'s JsonWebKey: controlled by that issuer, a public Ed25519 key, or refused by name', async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const privateJwk = privateKey.export({ format: 'jwk' });
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });

  /** A vc+jwt signed with the Ed25519 key by the did:web at `path`, whose DID document lists `method` (given the kid) under assertionMethod. */
  async function outsideEnvelope(path: string, method: (kid: string, did: string) => Json, { embedded = false } = {}) {
    const did = `did:web:${HOST}:${path}`;
    const kid = jsonWebKeyMethodId(did, publicJwk);
    const listed = { id: kid, ...method(kid, did) };
    server.routes.set(`/${path}/did.json`, json({
      '@context': ['https://www.w3.org/ns/did/v1', 'https://www.w3.org/ns/cid/v1'],
      id: did,
      ...(embedded ? { assertionMethod: [listed] } : { verificationMethod: [listed], assertionMethod: [kid] }),
    }));
    const { credentialStatus: _status, ...body } = credential;
    const payload = { ...body, id: `urn:uuid:${randomUUID()}`, issuer: { id: did, type: ['Profile'], name: 'Independent Academy' }, iat: Math.floor(Date.now() / 1000) };
    const compact = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid }).sign(privateKey);
    return { '@context': 'https://www.w3.org/ns/credentials/v2', id: `data:application/vc+jwt,${compact}`, type: 'EnvelopedVerifiableCredential' };
  }

  const good = await outsideEnvelope('academy', (kid, did) => ({ type: 'JsonWebKey', controller: did, publicKeyJwk: { ...publicJwk, alg: 'EdDSA' } }));
  const report = await verify(app, good);
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid', details: { proofFormat: 'vc+jwt' } }, 'control: its own public Ed25519 JsonWebKey verifies');
  t.equal(report.verdict, 'unrecognised-issuer', 'a good signature by an issuer outside the registry');
  t.ok(server.hits('/academy/did.json') >= 1, 'its DID document was fetched from its host');

  const cases: [string, Awaited<ReturnType<typeof outsideEnvelope>>, RegExp][] = [
    ['a key controlled by another DID', await outsideEnvelope('borrowed', () => ({ type: 'JsonWebKey', controller: 'did:web:elsewhere.example', publicKeyJwk: publicJwk })), /is not controlled by the issuer/],
    ['a P-256 key', await outsideEnvelope('p256', (kid, did) => ({ type: 'JsonWebKey', controller: did, publicKeyJwk: p256 })), /is not an Ed25519 public JWK \(kty OKP, crv Ed25519\)/],
    ['an X25519 key, embedded under assertionMethod', await outsideEnvelope('x25519', (kid, did) => ({ type: 'JsonWebKey', controller: did, publicKeyJwk: x25519 }), { embedded: true }), /is not an Ed25519 public JWK/],
    ['a key that publishes its private part (d)', await outsideEnvelope('careless', (kid, did) => ({ type: 'JsonWebKey', controller: did, publicKeyJwk: privateJwk })), /publishes a private key member/],
  ];
  for (const [what, envelope, reason] of cases) {
    const outcome = (await verifyEnvelopedCredential({ envelope, resolveDid: app.ctx.resolveDid })).outcome;
    t.match(outcome, { outcome: 'invalid', format: 'vc+jwt', reason }, `${what}: refused by name`);
    const refused = await verify(app, envelope);
    t.match(checkOf(refused, 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: 'vc+jwt', reason } }, `${what}: the report says why`);
    t.match(checkOf(refused, 'proof')?.message, reason, `${what}: in its message too`);
    t.equal(refused.verdict, 'invalid', what);
  }
});

const SYSTEM = { kind: 'cli', clientUuid: null, staffId: null } as const;

/** A centre of its own (what these tests do to it touches no other test), one of its credentials and its active key. */
async function ownCentre(slug: string) {
  const other = await createCentreWithClient(testApp, { slug });
  const response = await issue(app, other.token, { achievementId, recipient: { name: 'Sara Ali' } });
  if (response.statusCode !== 201) throw new Error(response.body);
  const signed = response.json().verifiableCredential as Json;
  const { proof: _proof, ...unsignedCopy } = signed;
  const centreKey = await app.ctx.keys.activeAssertionKey({ centreId: other.centre.id, did: centreDid(BASE_URL, slug) });
  return { centre: other.centre, signed, unsigned: unsignedCopy, key: centreKey };
}

t.test('iat: the signing instant, judged like a Data Integrity proof\'s created', async (t) => {
  const envelopeAt = (at: Date, body = credential) => envelopeCredential({ credential: body, key, signedAt: at });
  const soon = await envelopeAt(new Date(Date.now() + 30_000));
  t.match((await verifyEnvelopedCredential({ envelope: soon, resolveDid })).outcome, { outcome: 'valid' }, 'half a minute ahead: clock skew, accepted');
  const later = await envelopeAt(new Date(Date.now() + 10 * 60_000));
  t.match((await verifyEnvelopedCredential({ envelope: later, resolveDid })).outcome, { outcome: 'invalid', reason: /issued at .* \(iat\), which is in the future/ }, 'ten minutes ahead: refused');
  const futureReport = await verify(app, later as unknown as Json);
  t.match(checkOf(futureReport, 'proof'), { status: 'failed', code: 'proof.invalid', details: { proofFormat: 'vc+jwt', reason: /in the future/ } });
  t.equal(futureReport.verdict, 'invalid');
  const good = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: decodeProtectedHeader(jwt).kid };
  for (const iat of ['2024-01-01T00:00:00Z', null, 1e20]) {
    t.match((await verifyEnvelopedCredential({ jwt: await signed(good, { ...credential, iat }), resolveDid })).outcome, { outcome: 'invalid', reason: /iat .* is not a time/ }, `iat ${JSON.stringify(iat)}`);
  }

  // before the centre existed: a valid signature the registry does not vouch for, as for a proof created then
  const beforeCentre = await verify(app, (await envelopeAt(new Date('2020-01-01T00:00:00Z'))) as unknown as Json);
  t.match(checkOf(beforeCentre, 'proof'), { status: 'passed', details: { proofFormat: 'vc+jwt' } });
  t.match(checkOf(beforeCentre, 'issuer'), { status: 'failed', code: 'issuer.unrecognised' }, 'signed (iat) before the centre existed');

  // a suspended centre: what it signed before the suspension stands, what its key signed after does not
  const { unsigned: body, key: centreKey } = await ownCentre('jose-suspended');
  const signedBefore = await envelopeCredential({ credential: body, key: centreKey });
  await new Promise((resolve) => setTimeout(resolve, 1100)); // iat has one-second precision
  await setCentreStatus({ ctx: app.ctx, actor: SYSTEM, slug: 'jose-suspended', status: 'suspended', reason: 'test' });
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const signedAfter = await envelopeCredential({ credential: body, key: centreKey });
  const before = await verify(app, signedBefore as unknown as Json);
  t.match(checkOf(before, 'issuer'), { status: 'passed', code: 'issuer.recognised' }, 'signed while the centre was active');
  t.equal(before.verdict, 'valid', JSON.stringify(before.checks.filter((check) => check.status !== 'passed')));
  const after = await verify(app, signedAfter as unknown as Json);
  t.match(checkOf(after, 'proof'), { status: 'passed', details: { proofFormat: 'vc+jwt' } });
  t.match(checkOf(after, 'issuer'), { status: 'failed', code: 'issuer.suspended', details: { at: /^\d{4}-/ } }, 'signed after the suspension');
  t.equal(new Date(checkOf(after, 'issuer')?.details?.at as string).getTime() / 1000, JSON.parse(Buffer.from(parts(jwtOf(signedAfter))[1], 'base64url').toString()).iat, 'judged at the iat');
});

t.test('a vc+jwt signed with a key of ours marked compromised: key.revoked, as for a Data Integrity proof', async (t) => {
  const { centre, signed: dataIntegrity, unsigned: body, key: centreKey } = await ownCentre('jose-compromised');
  const enveloped = await envelopeCredential({ credential: body, key: centreKey });
  t.equal((await verify(app, enveloped as unknown as Json)).verdict, 'valid', 'control: valid before the compromise');
  await compromiseCentreKey({ ctx: app.ctx, actor: SYSTEM, centre, keyId: centreKey.verificationMethodId, reason: 'laptop stolen' });

  const embedded = await verify(app, dataIntegrity);
  const jose = await verify(app, enveloped as unknown as Json);
  t.match(checkOf(embedded, 'proof'), { status: 'failed', code: 'key.revoked' }, 'control: the Data Integrity copy');
  t.match(checkOf(jose, 'proof'), { status: 'failed', code: 'key.revoked', message: /compromised on \d{4}-\d{2}-\d{2}/ }, 'the kid (the JsonWebKey method) names the same key');
  t.same(checkOf(jose, 'proof')?.details, checkOf(embedded, 'proof')?.details, 'the same date');
  t.equal(jose.verdict, 'invalid');

  // naming the compromised key is enough, whatever the signature: here its Multikey method as kid, signed by another key
  const byMultikey = await signed({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: centreKey.verificationMethodId }, body);
  t.match(checkOf(await verify(app, { '@context': 'https://www.w3.org/ns/credentials/v2', id: `data:application/vc+jwt,${byMultikey}`, type: 'EnvelopedVerifiableCredential' }), 'proof'), { status: 'failed', code: 'key.revoked' });
});
