import type { InjectOptions } from 'fastify';
import t, { type Test } from 'tap';
import { MAX_INPUT_DEPTH } from '../../src/lib/input-limits.js';
import { validateOpenBadgeCredential } from '../../src/vc/ob3-schema.js';
import { adminToken, build, demoToken, firstAchievementId, issue } from '../helper.js';
import { rowChanges, rowCounter } from '../support/fuzz/row-counts.js';

// Each input that once answered 500 (issue 10 §3), now refused with a 4xx that names the field, or accepted in a
// normalised form, and never leaving a row behind when refused. The fuzzer (test/fuzz) looks for new ones.

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const admin = await adminToken(testApp);
const courseId = await firstAchievementId(app);
const countRows = await rowCounter(app.ctx.db);
const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

const nestedText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Sends the request and checks it was refused with `status`, as problem+json naming `path`, writing nothing. */
async function refused(t: Test, request: InjectOptions, status: number, path: string | RegExp) {
  const before = await countRows();
  const response = await app.inject(request);
  t.equal(response.statusCode, status, response.body.slice(0, 300));
  t.match(response.headers['content-type'], /^application\/problem\+json/);
  t.match(response.json().errors?.[0]?.path, path, 'the problem names the field');
  t.same(rowChanges(before, await countRows()), [], 'no row written');
  return response.json();
}

t.test('deeply nested JSON: 422 naming where, on every JSON route (no stack overflow)', async (t) => {
  for (const depth of [MAX_INPUT_DEPTH + 1, 20_000]) {
    const deep = nestedText(depth);
    const json = { 'content-type': 'application/json' };
    const vcalmIssue = await refused(t, { method: 'POST', url: '/credentials/issue', headers: { ...json, ...bearer(token) }, payload: `{"credential":${deep}}` }, 422, /^body\.credential\.a\.a/);
    t.match(vcalmIssue, { type: /\/problems\/too-deeply-nested$/, detail: /nested more than \d+ levels deep; flatten/ });
    await refused(t, { method: 'POST', url: '/credentials/verify', headers: json, payload: `{"verifiableCredential":${deep}}` }, 422, /^body\.verifiableCredential/);
    await refused(t, { method: 'POST', url: '/api/v1/verify', headers: json, payload: `{"verifiableCredential":{"proof":${deep}}}` }, 422, /^body\.verifiableCredential\.proof/);
    await refused(t, { method: 'POST', url: '/api/v1/credentials', headers: { ...json, ...bearer(token) }, payload: `{"achievementId":"${courseId}","recipient":${deep}}` }, 422, /^body\.recipient/);
  }
  const atLimit = await app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: `{"verifiableCredential":{"x":${nestedText(MAX_INPUT_DEPTH - 3)}}}` });
  t.not(atLimit.json().type, 'http://localhost:3000/problems/too-deeply-nested', 'nesting within the limit is the verifier\'s to judge');
});

t.test('evidence links: normalised before signing, and the signed credential meets OB 3.0 and verifies', async (t) => {
  const typed = ['https://example.org/my work', 'https://example.org/"quoted"', 'https://example.org/<tag>', 'https://example.org/{x}', 'https://example.org/a|b', 'https://example.org/a\\b', 'https://exämple.org/portfolio'];
  const expected = ['https://example.org/my%20work', 'https://example.org/%22quoted%22', 'https://example.org/%3Ctag%3E', 'https://example.org/%7Bx%7D', 'https://example.org/a%7Cb', 'https://example.org/a/b', 'https://xn--exmple-cua.org/portfolio'];
  const response = await issue(app, token, { achievementId: courseId, recipient: { name: 'Nadia Mansour' }, evidence: typed.map((url) => ({ url })) });
  t.equal(response.statusCode, 201, response.body.slice(0, 300));
  const credential = response.json().verifiableCredential;
  t.same(credential.evidence.map((item: { id: string }) => item.id), expected, 'each link as a browser would send it');
  t.ok(validateOpenBadgeCredential(credential).valid, 'the OB 3.0 schema accepts the signed credential');
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: credential } })).json();
  t.equal(report.verified, true, 'and it verifies');
});

t.test('a reissue with typed links: normalised, and the replacement meets OB 3.0; a bad one refused with nothing written', async (t) => {
  const original = (await issue(app, token, { achievementId: courseId, recipient: { name: 'Nadia Mansour' } })).json();
  await refused(t, { method: 'POST', url: `/api/v1/credentials/${original.id}/reissue`, headers: bearer(token), payload: { changes: { evidence: [{ url: 'https://example.org/%zz' }] }, reason: 'Evidence added.' } }, 400, 'body.changes.evidence.0.url');
  const response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${original.id}/reissue`, headers: bearer(token), payload: { changes: { evidence: [{ url: 'https://exämple.org/my work' }] }, reason: 'Evidence added.' } });
  t.equal(response.statusCode, 201, response.body.slice(0, 300));
  const replacement = response.json().verifiableCredential;
  t.same(replacement.evidence.map((item: { id: string }) => item.id), ['https://xn--exmple-cua.org/my%20work']);
  t.ok(validateOpenBadgeCredential(replacement).valid, 'the OB 3.0 schema accepts the replacement');
});

t.test('links that cannot be made http(s) URLs: 400 naming the field, nothing issued', async (t) => {
  for (const url of ['https://example.org/%zz', 'javascript:alert(1)', 'https://user:secret@example.org/', 'https://[::1']) {
    const problem = await refused(t, { method: 'POST', url: '/api/v1/credentials', headers: bearer(token), payload: { achievementId: courseId, recipient: { name: 'Nadia' }, evidence: [{ url }] } }, 400, 'body.evidence.0.url');
    t.match(problem.errors[0].message, /http\(s\) URL|percent-escape/, url);
  }
  await refused(t, { method: 'POST', url: '/api/v1/centres', headers: bearer(admin), payload: { slug: 'urls', name: { en: 'Urls' }, countryCode: 'EG', websiteUrl: 'https://example.org/%zz' } }, 400, 'body.websiteUrl');
});

t.test('centre website and course alignment links are normalised the same way', async (t) => {
  const centre = await app.inject({ method: 'POST', url: '/api/v1/centres', headers: bearer(admin), payload: { slug: 'normalised', name: { en: 'Normalised' }, countryCode: 'EG', websiteUrl: 'https://exämple.org/our centre' } });
  t.equal(centre.statusCode, 201, centre.body.slice(0, 300));
  t.equal(centre.json().websiteUrl, 'https://xn--exmple-cua.org/our%20centre');
  const course = await app.inject({
    method: 'PATCH',
    url: `/api/v1/achievements/${courseId}`,
    headers: bearer(admin),
    payload: { alignments: [{ targetName: 'Digital pedagogy', targetUrl: 'https://example.org/framework/T 2.1' }] },
  });
  t.equal(course.statusCode, 200, course.body.slice(0, 300));
  t.equal(course.json().alignments[0].targetUrl, 'https://example.org/framework/T%202.1');
});

t.test('NUL in path parameters and query strings: 422 naming the parameter, never reaching PostgreSQL', async (t) => {
  await refused(t, { method: 'GET', url: '/centres/abc%00/did.json' }, 422, 'params.slug');
  await refused(t, { method: 'GET', url: '/api/v1/centres/abc%00', headers: bearer(admin) }, 422, 'params.slug');
  await refused(t, { method: 'POST', url: '/api/v1/centres/abc%00/clients', headers: bearer(admin), payload: { name: 'x', scopes: ['credentials:issue'] } }, 422, 'params.slug');
  await refused(t, { method: 'GET', url: '/api/v1/credentials?recipient=Ada%00', headers: bearer(token) }, 422, 'querystring.recipient');
  const page = await app.inject({ method: 'GET', url: '/credentials/abc%00', headers: { accept: 'text/html' } });
  t.equal(page.statusCode, 422, 'a page answers with an error page, not a 500');
  t.match(page.headers['content-type'], /^text\/html/);
});

t.test('lone surrogates and NUL in JSON text: 422 naming the field, nothing written', async (t) => {
  const problem = await refused(t, { method: 'POST', url: '/api/v1/credentials', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: `{"achievementId":"${courseId}","recipient":{"name":"Nadia \\ud800 Mansour"}}` }, 422, 'body.recipient.name');
  t.match(problem, { type: /\/problems\/invalid-text$/, detail: /unpaired UTF-16 surrogate/ });
  await refused(t, { method: 'POST', url: '/api/v1/credentials', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: `{"achievementId":"${courseId}","recipient":{"name":"Nadia"},"narrative":"a\\u0000b"}` }, 422, 'body.narrative');
  await refused(t, { method: 'PATCH', url: `/api/v1/achievements/${courseId}`, headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: '{"name":{"en":"\\udc00"}}' }, 422, 'body.name.en');
  await refused(t, { method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: '{"verifiableCredential":{"name\\ud800":"x"}}' }, 422, /^body\.verifiableCredential\[/);
  const tokenRequest = await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: 'a\u0000', client_secret: 'b' } });
  t.equal(tokenRequest.statusCode, 422, 'the token endpoint refuses it too');
  t.match(tokenRequest.json(), { error: 'invalid_request', error_description: /body\.client_id contains a NUL/ }, 'in RFC 6749 form');
});

t.test('country codes Intl cannot look up: 400, not a thrown RangeError', async (t) => {
  for (const countryCode of ['9999', '1', 'zz', '', 'EGY', 'XK1']) {
    await refused(t, { method: 'PATCH', url: '/api/v1/centres/egypt-demo', headers: bearer(admin), payload: { countryCode } }, 400, 'body.countryCode');
  }
});

t.test('a course body that is not an object, or a null text: 400, not a TypeError', async (t) => {
  await refused(t, { method: 'POST', url: '/api/v1/achievements', headers: bearer(admin) }, 400, 'body');
  await refused(t, { method: 'POST', url: '/api/v1/achievements', headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: 'null' }, 400, 'body');
  await refused(t, { method: 'POST', url: '/api/v1/achievements', headers: bearer(admin), payload: [] }, 400, 'body');
  await refused(t, { method: 'PATCH', url: `/api/v1/achievements/${courseId}`, headers: bearer(admin), payload: { name: null } }, 400, 'body.name');
});

t.test('dates PostgreSQL cannot store (year 0 in UTC): 400 naming the field', async (t) => {
  await refused(t, { method: 'GET', url: '/api/v1/credentials?issuedTo=0000-01-01T00:00:00Z', headers: bearer(token) }, 400, 'querystring.issuedTo');
  await refused(t, { method: 'GET', url: '/api/v1/audit?from=0001-01-01T00:00:00%2B01:00', headers: bearer(admin) }, 400, 'querystring.from');
  await refused(t, { method: 'POST', url: '/api/v1/credentials', headers: bearer(token), payload: { achievementId: courseId, recipient: { name: 'Nadia' }, validUntil: '0000-06-01T00:00:00Z' } }, 400, 'body.validUntil');
});
