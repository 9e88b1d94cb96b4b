import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { json, startHttpsServer } from '../../support/https-server.js';
import {
  checkOf,
  didDocument,
  didKeyIssuer,
  didWebIssuer,
  entry,
  flipBit,
  type Json,
  localFetcher,
  type OutsideIssuer,
  outsideCredential,
  outsideList,
  type Report,
  verify,
} from '../../support/status-lists.js';

// Other issuers' credentials whose credentialStatus points at a list on their own server (a local HTTPS
// server here), fetched through the guarded fetcher: the bit is read when the list is validly signed by the
// credential's own issuer; anything else (unreachable, another issuer, expired, changed, too short, an entry
// outside it) is status unknown, never active.

const server = await startHttpsServer();
t.teardown(() => server.close());
const ORIGIN = `https://issuer.test:${server.port}`; // issuer.test exists only in the test fetcher's resolver

const fetcher = localFetcher(server);
const testApp = await build(t, {}, { fetcher });
const { app } = testApp;
const issued = await issue(app, await demoToken(testApp), { achievementId: await firstAchievementId(app), recipient: { name: 'Amina El-Sayed' } });
if (issued.statusCode !== 201) throw new Error(issued.body);
const template = issued.json().verifiableCredential as Json;

const ACTIVE = 40_961;
const REVOKED = 77_003;
let paths = 0;
/** Serves a list document at a fresh path (the fetcher caches by URL) and returns its URL. */
function serve(list: Json | ((url: string) => Promise<Json>), headers: Record<string, string> = {}) {
  const path = `/lists/${++paths}`;
  const url = `${ORIGIN}${path}`;
  return { path, url, ready: (async () => server.routes.set(path, json(typeof list === 'function' ? await list(url) : list, headers)))() };
}

async function servedList(options: Omit<Parameters<typeof outsideList>[0], 'url'>, headers: Record<string, string> = {}) {
  const served = serve((url) => outsideList({ url, ...options }), headers);
  await served.ready;
  return served;
}

function assertUnreadable(t: Test, report: Report, reason: RegExp, error = 'STATUS_VERIFICATION_ERROR') {
  t.match(checkOf(report, 'proof'), { status: 'passed', code: 'proof.valid' }, 'the credential\'s own signature checks out');
  t.match(checkOf(report, 'status'), { status: 'unknown', code: 'status.unreadable' }, 'status unknown, not active');
  t.match(checkOf(report, 'status')?.details?.reason, reason, 'says why');
  t.equal(checkOf(report, 'status')?.details?.error, error);
  t.equal(report.verified, false, 'not verified');
  t.not(report.verdict, 'valid');
}

/** The two credentials of one outside issuer: one whose entry is clear, one whose entry is set. */
async function activeAndRevoked(t: Test, issuer: OutsideIssuer, listUrl: string) {
  const active = await outsideCredential(template, issuer, entry(listUrl, ACTIVE));
  const revoked = await outsideCredential(template, issuer, entry(listUrl, REVOKED));

  const activeReport = await verify(app, active);
  t.match(checkOf(activeReport, 'proof'), { status: 'passed', code: 'proof.valid' });
  t.match(checkOf(activeReport, 'status'), { status: 'passed', code: 'status.active' }, 'the clear bit reads active');
  t.match(checkOf(activeReport, 'issuer'), { status: 'failed', code: 'issuer.unrecognised' }, 'not one of our centres');
  t.equal(activeReport.verdict, 'unrecognised-issuer');

  const revokedReport = await verify(app, revoked);
  t.match(checkOf(revokedReport, 'status'), { status: 'failed', code: 'status.revoked' }, 'the set bit reads revoked');
  t.equal(checkOf(revokedReport, 'status')?.details?.revokedAt, undefined, 'no date: the list does not say when');
  t.equal(revokedReport.verdict, 'revoked');
  t.equal(revokedReport.verified, false);
  return { active, revoked };
}

t.test('a did:key issuer\'s list on its server: active and revoked bits read correctly', async (t) => {
  const issuer = await didKeyIssuer();
  const { path, url } = await servedList({ issuer, set: [REVOKED] });
  const before = fetcher.calls.length;
  await activeAndRevoked(t, issuer, url);
  t.ok(fetcher.calls.slice(before).includes(url), 'fetched through the guarded fetcher');
  t.ok(server.hits(path) >= 1, 'from the issuer\'s server');
});

t.test('a did:web issuer (DID document and list on its server): active and revoked bits read correctly', async (t) => {
  const did = `did:web:issuer.test%3A${server.port}:academies:nile`;
  const issuer = await didWebIssuer(did);
  server.routes.set('/academies/nile/did.json', json(didDocument(issuer)));
  const { url } = await servedList({ issuer, set: [REVOKED] });
  await activeAndRevoked(t, issuer, url);
  t.ok(server.hits('/academies/nile/did.json') >= 1, 'the issuer\'s key came from its DID document');
});

t.test('the list cannot be fetched: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  await t.test('nothing at that URL (404)', async (t) => {
    const report = await verify(app, await outsideCredential(template, issuer, entry(`${ORIGIN}/lists/missing`, ACTIVE)));
    assertUnreadable(t, report, /HTTP 404/, 'STATUS_RETRIEVAL_ERROR');
    t.equal(report.verdict, 'unrecognised-issuer', 'an outside issuer\'s verdict (the precedence of DESIGN §5), never valid');
  });
  await t.test('the server is down', async (t) => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const report = await verify(app, await outsideCredential(template, issuer, entry(`https://issuer.test:${port}/lists/1`, ACTIVE)));
    assertUnreadable(t, report, /could not be fetched.*refused/, 'STATUS_RETRIEVAL_ERROR');
  });
  await t.test('not JSON', async (t) => {
    server.routes.set('/lists/html', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>maintenance</html>');
    });
    assertUnreadable(t, await verify(app, await outsideCredential(template, issuer, entry(`${ORIGIN}/lists/html`, ACTIVE))), /could not be fetched|JSON/, 'STATUS_RETRIEVAL_ERROR');
  });
  await t.test('the address guard refuses a private address', async (t) => {
    const report = await verify(app, await outsideCredential(template, issuer, entry('https://10.0.0.7/lists/1', ACTIVE)));
    assertUnreadable(t, report, /10\.0\.0\.7.*not a public/, 'STATUS_RETRIEVAL_ERROR');
  });
});

t.test('a validly signed list in another issuer\'s name: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const other = await didKeyIssuer();
  const { url } = await servedList({ issuer: other, set: [REVOKED] });
  for (const index of [ACTIVE, REVOKED]) {
    const report = await verify(app, await outsideCredential(template, issuer, entry(url, index)));
    assertUnreadable(t, report, new RegExp(`issued by ${other.did}, not by the credential's issuer`));
  }
});

t.test('a list in the credential issuer\'s name but signed by another key: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const impostor = await didKeyIssuer();
  const { url } = await servedList({ issuer, signer: impostor, set: [] });
  assertUnreadable(t, await verify(app, await outsideCredential(template, issuer, entry(url, REVOKED))), /signature does not verify/);
});

t.test('a list past its validUntil (an old list replayed after a revocation): unknown', async (t) => {
  const issuer = await didKeyIssuer();
  // the list as it was before the credential was revoked, valid last month
  const { url } = await servedList({ issuer, set: [], validFrom: new Date(Date.now() - 40 * 86_400_000), validUntil: new Date(Date.now() - 30 * 86_400_000) });
  const report = await verify(app, await outsideCredential(template, issuer, entry(url, REVOKED)));
  assertUnreadable(t, report, /status list expired on/);
});

t.test('a list not valid yet: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const { url } = await servedList({ issuer, validFrom: new Date(Date.now() + 86_400_000), validUntil: new Date(Date.now() + 8 * 86_400_000) });
  assertUnreadable(t, await verify(app, await outsideCredential(template, issuer, entry(url, ACTIVE))), /not valid yet/);
});

t.test('a list changed on its server without re-signing: unknown, not active', async (t) => {
  const issuer = await didKeyIssuer();
  const genuine = serve((url) => outsideList({ url, issuer, set: [REVOKED] }));
  await genuine.ready;
  const revoked = await outsideCredential(template, issuer, entry(genuine.url, REVOKED));
  t.equal((await verify(app, revoked)).verdict, 'revoked', 'control: the signed list says revoked');

  // the same list, its revoked bit cleared, at a new address (a man in the middle, a compromised host)
  const signed = await outsideList({ url: `${ORIGIN}/lists/cleared`, issuer, set: [REVOKED] });
  const subject = signed.credentialSubject as Json;
  server.routes.set('/lists/cleared', json({ ...signed, credentialSubject: { ...subject, encodedList: flipBit(subject.encodedList as string, REVOKED) } }));
  const report = await verify(app, await outsideCredential(template, issuer, entry(`${ORIGIN}/lists/cleared`, REVOKED)));
  assertUnreadable(t, report, /signature does not verify/);
  t.notMatch(checkOf(report, 'status'), { code: 'status.active' });
});

t.test('a list shorter than the 131,072-entry minimum: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const { url } = await servedList({ issuer, length: 8_192 });
  assertUnreadable(t, await verify(app, await outsideCredential(template, issuer, entry(url, 17))), /8192 entries, fewer than the 131,072/, 'STATUS_LIST_LENGTH_ERROR');
});

t.test('malformed entries and entries the list cannot answer: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const { url } = await servedList({ issuer });
  const cases: [string, unknown, RegExp, string?][] = [
    ['an index past the end', entry(url, 131_072), /outside the list/, 'RANGE_ERROR'],
    ['a negative index', entry(url, '-1'), /non-negative integer/],
    ['an index that is not a number', entry(url, 'seven'), /non-negative integer/],
    ['a numeric index (not a string)', { ...entry(url, 5), statusListIndex: 5 }, /non-negative integer string/],
    ['a purpose the list does not have', { ...entry(url, 5), statusPurpose: 'suspension' }, /purpose is revocation, not suspension/],
    ['no list URL', { ...entry(url, 5), statusListCredential: undefined }, /must be an http\(s\) URL/],
    ['a list URL that is not http(s)', entry('ftp://issuer.test/list', 5), /must be an http\(s\) URL/],
  ];
  for (const [what, status, reason, error] of cases) {
    await t.test(what, async (t) => {
      const credential = await outsideCredential(template, issuer, JSON.parse(JSON.stringify(status)));
      assertUnreadable(t, await verify(app, credential), reason, error);
    });
  }
});

t.test('a list of the wrong purpose: unknown', async (t) => {
  const issuer = await didKeyIssuer();
  const { url } = await servedList({ issuer, statusPurpose: 'suspension', set: [REVOKED] });
  assertUnreadable(t, await verify(app, await outsideCredential(template, issuer, entry(url, ACTIVE))), /purpose is suspension, not revocation/);
});

t.test('the list is cached as its Cache-Control says', async (t) => {
  const issuer = await didKeyIssuer();
  const cached = await servedList({ issuer, set: [REVOKED] }, { 'cache-control': 'public, max-age=300' });
  const credential = await outsideCredential(template, issuer, entry(cached.url, ACTIVE));
  await verify(app, credential);
  await verify(app, credential);
  t.equal(server.hits(cached.path), 1, 'max-age=300: fetched once for two verifications');

  const uncached = await servedList({ issuer, set: [REVOKED] }, { 'cache-control': 'no-store' });
  const other = await outsideCredential(template, issuer, entry(uncached.url, REVOKED));
  t.equal((await verify(app, other)).verdict, 'revoked');
  t.equal((await verify(app, other)).verdict, 'revoked');
  t.equal(server.hits(uncached.path), 2, 'no-store: fetched for each verification');
});

t.test('REMOTE_RESOLUTION=false: the list is not fetched, status unknown', async (t) => {
  const offline = await build(t, { REMOTE_RESOLUTION: 'false' }, { fetcher });
  const issuer = await didKeyIssuer();
  const { path, url } = await servedList({ issuer });
  const report = await verify(offline.app, await outsideCredential(template, issuer, entry(url, ACTIVE)));
  assertUnreadable(t, report, /REMOTE_RESOLUTION=false/, 'STATUS_RETRIEVAL_ERROR');
  t.equal(server.hits(path), 0, 'nothing was requested');
});
