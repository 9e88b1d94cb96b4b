import { CompactSign, decodeProtectedHeader } from 'jose';
import t from 'tap';
import { envelopeCredential } from '../../../src/vc/jose.js';
import { BASE_URL, build, demoToken, firstAchievementId } from '../../helper.js';
import { centreDid } from '../../../src/vc/did-web.js';
import { EGYPT_DID, openBadge, V1, V2, VCDM } from '../../support/vcalm-fixtures.js';

// VCALM POST /credentials/verify with an EnvelopedVerifiableCredential (VC-JOSE-COSE, application/vc+jwt): the
// data-model rules apply to the credential the JWT holds, the answer is read from the same report as for an
// embedded proof, results.proof carries the JWS protected header; an envelope that cannot be read is a 400 with
// the VC Data Model's problem type naming the member at fault, never a 500.

type Json = Record<string, unknown>;

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp, 'credentials:read credentials:issue credentials:manage');
const achievementId = `${BASE_URL}/achievements/${await firstAchievementId(app)}`;
const centreId = (await app.ctx.lookups.issuer('egypt-demo'))!.centre.id;
const key = await app.ctx.keys.activeAssertionKey({ centreId, did: centreDid(BASE_URL, 'egypt-demo') });

const verifyVcalm = (verifiableCredential: unknown, options?: Json) => app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential, ...(options ? { options } : {}) } as Json });
const ENVELOPE_PREFIX = 'data:application/vc+jwt,';
const envelopeOf = (jwt: string): Json => ({ '@context': V2, id: `${ENVELOPE_PREFIX}${jwt}`, type: 'EnvelopedVerifiableCredential' });
const jwtOf = (envelope: Json) => String(envelope.id).slice(ENVELOPE_PREFIX.length);
const payloadOf = (envelope: Json): Json => JSON.parse(Buffer.from(jwtOf(envelope).split('.')[1]!, 'base64url').toString());
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWS signed with the centre's key, for what envelopeCredential refuses to make. */
const signedJws = (header: Json, payload: unknown) => new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(key.privateKey);

// a course credential issued through VCALM as vc+jwt (stored, with a status entry), and its Data Integrity copy
const issued = await app.inject({
  method: 'POST',
  url: '/credentials/issue',
  headers: { authorization: `Bearer ${token}` },
  payload: { credential: openBadge({ achievementId, id: 'urn:uuid:8d1f4b2a-7e3c-4a5b-9c6d-0e1f2a3b4c5d' }), options: { securing: 'vc-jwt' } },
});
if (issued.statusCode !== 201) throw new Error(issued.body);
const envelope = issued.json().verifiableCredential as Json;
const payload = payloadOf(envelope);
const { iat: _iat, ...unsecured } = payload;
const authorised = { authorization: `Bearer ${token}` };

/** The stored credential's uuid in this service (the envelope's credential keeps the id it was given). */
async function storedId(): Promise<string> {
  const listed = (await app.inject({ method: 'GET', url: '/api/v1/credentials?recipient=Nadia%20Mansour', headers: authorised })).json();
  const index = (payload.credentialStatus as Json).statusListIndex;
  return (listed.items as Json[]).find((item) => (item.statusEntry as Json | null)?.statusListIndex === index)?.id as string;
}

t.test('a vc+jwt envelope verifies, with the same answer as its Data Integrity copy', async (t) => {
  const plain = await verifyVcalm(envelope);
  t.equal(plain.statusCode, 200, plain.body);
  t.same(plain.json(), { verified: true });

  const body = (await verifyVcalm(envelope, { returnResults: true, returnCredential: true })).json();
  t.equal(body.verified, true);
  t.same(body.credential, envelope, 'returnCredential: the credential as sent');
  t.same(body.results.proof, [{ verified: true, input: decodeProtectedHeader(jwtOf(envelope)) }], 'the proof\'s input is the JWS protected header');
  t.match(body.results.proof[0].input, { alg: 'EdDSA', typ: 'vc+jwt', kid: new RegExp(`^${EGYPT_DID}#`) });
  t.same(body.results.validFrom, { verified: true, input: payload.validFrom }, 'the enveloped credential\'s validity period');
  t.same(body.results.credentialStatus, [{ verified: true, input: payload.credentialStatus }], 'its status entry, read');

  // the stored copy of the same credential, with its embedded proof
  const dataIntegrity = (await app.inject({ method: 'GET', url: `/credentials/${await storedId()}`, headers: { accept: 'application/json' } })).json() as Json;
  t.same({ ...dataIntegrity, proof: undefined }, { ...unsecured, proof: undefined }, 'control: the copy holds the same credential');
  const embedded = (await verifyVcalm(dataIntegrity, { returnResults: true })).json();
  t.same({ ...embedded.results, proof: undefined }, { ...body.results, proof: undefined }, 'validity and status answered alike');
  t.equal(embedded.verified, body.verified);
});

t.test('a good envelope that fails verification: 200, verified false, problem details from the report', async (t) => {
  const [header, body, signature] = jwtOf(envelope).split('.');
  const renamed = { ...payload, name: 'Another course' };
  const tampered = (await verifyVcalm(envelopeOf(`${header}.${b64(renamed)}.${signature}`), { returnResults: true })).json();
  t.equal(tampered.verified, false, 'a changed payload');
  t.match(tampered.problemDetails, [{ type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, title: 'proof.invalid', detail: /signature does not verify/ }]);
  t.same(tampered.results.proof, [{ verified: false, input: decodeProtectedHeader(jwtOf(envelope)) }]);

  const unsecuredJwt = (await verifyVcalm(envelopeOf(`${b64({ alg: 'none', typ: 'vc+jwt' })}.${body}.`))).json();
  t.match(unsecuredJwt, { verified: false, problemDetails: [{ type: `${VCDM}CRYPTOGRAPHIC_SECURITY_ERROR`, detail: /alg "none"/ }] }, 'alg none: read, and refused as insecure');

  const future = await envelopeCredential({ credential: unsecured, key, signedAt: new Date(Date.now() + 3_600_000) });
  t.match((await verifyVcalm(future)).json(), { verified: false, problemDetails: [{ title: 'proof.invalid', detail: /in the future/ }] }, 'iat an hour ahead');

  const expired: Json = { ...(await envelopeCredential({ credential: { ...unsecured, validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' }, key })) };
  const expiredAnswer = (await verifyVcalm(expired, { returnResults: true })).json();
  t.equal(expiredAnswer.verified, false);
  t.match(expiredAnswer.problemDetails, [{ type: `${VCDM}RANGE_ERROR`, title: 'validity.expired' }]);
  t.same(expiredAnswer.results.validUntil, { verified: false, input: '2021-01-01T00:00:00Z' }, 'the enveloped validUntil');
  t.same(expiredAnswer.results.proof, [{ verified: true, input: decodeProtectedHeader(jwtOf(expired)) }], 'a good signature on an expired credential');
});

t.test('a revoked credential\'s envelope: verified false, the revocation named', async (t) => {
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/credentials/${await storedId()}/revoke`, headers: authorised, payload: { reason: 'issued in error' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  const answer = (await verifyVcalm(envelope, { returnResults: true })).json();
  t.equal(answer.verified, false);
  t.match(answer.problemDetails, [{ type: `${BASE_URL}/problems/credential-revoked`, title: 'status.revoked' }]);
  t.same(answer.results.credentialStatus, [{ verified: false, input: payload.credentialStatus }]);
  t.same(answer.results.proof, [{ verified: true, input: decodeProtectedHeader(jwtOf(envelope)) }]);
});

t.test('an envelope that cannot be read, or holds no valid credential: 400 naming what to fix', async (t) => {
  const { kid } = decodeProtectedHeader(jwtOf(envelope));
  const good = { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid };
  const { credentialSubject: _subject, ...noSubject } = unsecured;
  const cases: [string, unknown, string, string, RegExp][] = [
    ['an id that is not a data: URL', { ...envelope, id: 'https://example.org/credential.jwt' }, 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /data: URL of media type application\/vc\+jwt/],
    ['another media type', { ...envelope, id: String(envelope.id).replace('vc+jwt', 'vc+sd-jwt') }, 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /media type application\/vc\+jwt/],
    ['an id that is not a string', { ...envelope, id: 42 }, 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /data: URL/],
    ['not a JWT', envelopeOf('not-a-jwt'), 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /three base64url parts/],
    ['a header that is not JSON', envelopeOf(`${Buffer.from('{alg').toString('base64url')}.${b64(unsecured)}.AA`), 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /not base64url-encoded JSON/],
    ['a payload that is a JSON array', envelopeOf(`${b64(good)}.${b64([unsecured])}.AA`), 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id', /payload is not a JSON object/],
    ['a VC 1.1 context on the envelope', { ...envelope, '@context': [V1] }, 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.@context', /@context must be https:\/\/www\.w3\.org\/ns\/credentials\/v2/],
    ['a credential without a subject', envelopeOf(await signedJws(good, noSubject)), 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id(JWT payload)', /credentialSubject/],
    ['a credential with a proof of its own', envelopeOf(await signedJws(good, { ...unsecured, proof: { type: 'DataIntegrityProof' } })), 'MALFORMED_VALUE_ERROR', 'body.verifiableCredential.id(JWT payload)', /proof/],
    ['a credential with a context never fetched', envelopeOf(await signedJws(good, { ...unsecured, '@context': [V2, 'https://example.org/ctx.json'] })), 'PARSING_ERROR', 'body.verifiableCredential.id(JWT payload).@context', /Unknown context https:\/\/example\.org\/ctx\.json/],
  ];
  for (const [what, value, type, path, detail] of cases) {
    const response = await verifyVcalm(value);
    t.equal(response.statusCode, 400, `${what}: ${response.body.slice(0, 300)}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, what);
    t.match(response.json(), { type: `${VCDM}${type}`, detail }, what);
    t.ok((response.json().errors as { path: string }[]).some((error) => error.path.startsWith(path)), `${what}: the error names ${path}`);
  }
});
