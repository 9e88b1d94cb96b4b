import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import { assertRefused } from '../../support/rejections.js';
import { act, apiGet, bearer, type Injected, lifecycleCounts, type Operation, view } from '../../support/lifecycle.js';
import { BASE_URL, adminToken, build, demoToken, firstAchievementId, issue } from '../../helper.js';

// Bad input and missing rights on the lifecycle routes: always a 4xx problem+json that says what to fix, and
// nothing written — no credential, no audit event, no revocation or suspension, no status list re-signed, and
// the credential's own view (status, history) exactly as before.

type Json = Record<string, any>;

const testApp = await build(t);
const { app } = testApp;
const token = await demoToken(testApp);
const achievementId = await firstAchievementId(app);
const counts = () => lifecycleCounts(app);

async function issued(t: Test, body: Json = {}): Promise<string> {
  const response = await issue(app, token, { achievementId, recipient: { name: 'Amina El-Saied' }, ...body });
  t.equal(response.statusCode, 201, `issued: ${response.body.slice(0, 300)}`);
  return response.json().id;
}

/**
 * A refused request: the problem (type, status, exact error paths, instance = the path) and nothing written,
 * including the view of the credential `id` (its status and history).
 */
async function refused(
  t: Test,
  id: string,
  send: () => Promise<Injected>,
  expected: { status: number; type: string; detail?: RegExp; errors?: [string, RegExp][]; firstError?: [string, RegExp] },
) {
  const before = (await apiGet(app, token, `/api/v1/credentials/${id}`)).body;
  const problem = await assertRefused(t, counts, send, expected);
  if (expected.firstError) {
    const [path, message] = expected.firstError;
    t.ok(problem.errors?.length >= 1 && problem.errors.every((error: { path: string }) => error.path === path), `every error is at ${path}`);
    t.match(problem.errors?.[0]?.message, message, `the first message for ${path} says what to fix`);
  }
  t.equal((await apiGet(app, token, `/api/v1/credentials/${id}`)).body, before, 'the credential and its history are unchanged');
  return problem;
}

const validation = (path: string, message: RegExp) => ({ status: 400, type: 'validation', detail: /is invalid/, errors: [[path, message]] as [string, RegExp][] });

const postRaw = (id: string, operation: Operation, payload: string, contentType: string) =>
  app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/${operation}`, headers: { ...bearer(token), 'content-type': contentType }, payload });

const VALID: Record<Operation, Json> = {
  revoke: { reason: 'Issued in error' },
  suspend: { reason: 'Under review', until: '2031-01-01T00:00:00Z' },
  unsuspend: { reason: 'Review closed' },
  reissue: { changes: { recipient: { name: 'Amina El-Sayed' } }, reason: 'Misspelt surname' },
};

// One credential per operation; suspend runs before unsuspend, so the control of unsuspend finds it suspended.
const targets: Record<Operation, string> = { revoke: '', suspend: '', unsuspend: '', reissue: '' };

for (const operation of ['revoke', 'suspend', 'unsuspend', 'reissue'] as const) {
  t.test(`POST /api/v1/credentials/:id/${operation}: every malformed request`, async (t) => {
    const id = operation === 'unsuspend' ? targets.suspend : await issued(t);
    targets[operation] = id;
    const valid = VALID[operation];
    const { reason: _reason, ...withoutReason } = valid;
    const send = (payload: unknown, target = id) => () => act(app, token, target, operation, payload);
    const cases: [string, unknown, ReturnType<typeof validation>][] = [
      ['an unknown field', { ...valid, colour: 'green' }, validation('body', /Unrecognized key: "colour"/)],
      ['no reason', withoutReason, validation('body.reason', /expected string/)],
      ['an empty reason', { ...valid, reason: '' }, validation('body.reason', /must not be empty/)],
      ['a whitespace reason', { ...valid, reason: ' \t ' }, validation('body.reason', /must not be empty/)],
      ['a reason of 501 characters', { ...valid, reason: 'r'.repeat(501) }, validation('body.reason', /at most 500 characters/)],
      ['a reason with a control character', { ...valid, reason: 'Issued\u0007in error' }, validation('body.reason', /control/)],
      ['a reason with a bidi override', { ...valid, reason: 'Issued \u202Erorre ni' }, validation('body.reason', /bidirectional/)],
      ['a reason that is a number', { ...valid, reason: 42 }, validation('body.reason', /expected string/)],
      ['a JSON array', [valid], validation('body', /expected object/)],
    ];
    for (const [what, payload, expected] of cases) await t.test(what, (t) => refused(t, id, send(payload), expected).then(() => {}));

    await t.test('no body at all', (t) => refused(t, id, send(undefined), validation('body', /expected object/)).then(() => {}));
    await t.test('a body that is not JSON', (t) => refused(t, id, () => postRaw(id, operation, '{"reason": "', 'application/json'), { status: 400, type: 'invalid-json', detail: /not valid JSON/ }).then(() => {}));
    await t.test('a text/plain body', (t) => refused(t, id, () => postRaw(id, operation, JSON.stringify(valid), 'text/plain'), { status: 415, type: 'unsupported-media-type', detail: /application\/json/ }).then(() => {}));
    await t.test('an id that is not a uuid: 404 naming it', async (t) => {
      const problem = await refused(t, id, send(valid, 'not-a-uuid'), { status: 404, type: 'not-found', detail: /"not-a-uuid"/ });
      t.equal(problem.instance, `/api/v1/credentials/not-a-uuid/${operation}`);
    });
    // The router refuses these before the route's schema sees them: still a problem that says what to fix.
    for (const [what, badId, detail] of [
      ['an id over 100 characters', 'x'.repeat(101), /id|long|100/],
      ['an id with a broken percent-encoding', '%E0%A4%A', /id|url|encod/i],
    ] as const) {
      await t.test(`${what}: a 4xx problem`, async (t) => {
        const before = await counts();
        const response = await act(app, token, badId, operation, valid);
        t.ok(response.statusCode >= 400 && response.statusCode < 500, `a client error: ${response.statusCode}`);
        t.match(response.headers['content-type'], /^application\/problem\+json/, `problem+json, not ${response.headers['content-type']}: ${response.body.slice(0, 200)}`);
        t.match(response.json().detail, detail, 'the detail says what is wrong');
        t.same(await counts(), before, 'nothing written');
      });
    }
    await t.test('an unknown uuid: 404 naming it', async (t) => {
      const unknown = randomUUID();
      await refused(t, id, send(valid, unknown), { status: 404, type: 'not-found', detail: new RegExp(`"${unknown}"`) });
    });

    await t.test('control: the valid request, with a reason of exactly 500 characters, is accepted', async (t) => {
      const before = await counts();
      const response = await act(app, token, id, operation, { ...valid, reason: 'R'.repeat(500) });
      t.equal(response.statusCode, operation === 'reissue' ? 201 : 200, response.body);
      t.equal((await counts()).auditEvents, before.auditEvents + (operation === 'reissue' ? 2 : 1), 'and audited');
    });
  });
}

t.test('suspend: until must be a future RFC 3339 date-time', async (t) => {
  const id = await issued(t);
  const send = (until: unknown) => () => act(app, token, id, 'suspend', { reason: 'Under review', until });
  for (const [what, until, message] of [
    ['in the past', '2020-01-01T00:00:00Z', /must be in the future/],
    ['a second ago', new Date(Date.now() - 1000).toISOString(), /must be in the future/],
    ['a date without a time', '2031-01-01', /RFC 3339/],
    ['a time without a zone', '2031-01-01T00:00:00', /RFC 3339/],
    ['a number', 1924992000000, /expected string|RFC 3339/],
  ] as const) {
    await t.test(what, (t) => refused(t, id, send(until), validation('body.until', message)).then(() => {}));
  }
  // (the "future" rule also fires on a non-date, so the RFC 3339 message comes first, not alone)
  await t.test('a word', (t) => refused(t, id, send('tomorrow'), { status: 400, type: 'validation', firstError: ['body.until', /RFC 3339/] }).then(() => {}));
});

t.test('reissue: the changes must be a real, valid correction', async (t) => {
  const id = await issued(t);
  const send = (changes: unknown, target = id) => () => act(app, token, target, 'reissue', { changes, reason: 'Correction' });
  const cases: [string, unknown, string, RegExp][] = [
    ['no changes', undefined, 'body.changes', /expected object/],
    ['empty changes', {}, 'body.changes', /at least one change: recipient, narrative, evidence or validUntil/],
    ['an empty recipient', { recipient: {} }, 'body.changes.recipient', /give the corrected name, email or did/],
    ['an empty name', { recipient: { name: '' } }, 'body.changes.recipient.name', /must not be empty/],
    ['a name of 201 characters', { recipient: { name: 'n'.repeat(201) } }, 'body.changes.recipient.name', /at most 200 characters/],
    ['a name with a right-to-left override', { recipient: { name: 'Amina \u202EdeyaS-lE' } }, 'body.changes.recipient.name', /bidirectional/],
    ['a bad email', { recipient: { email: 'not-an-email' } }, 'body.changes.recipient.email', /email/],
    ['a bad DID', { recipient: { did: 'amina' } }, 'body.changes.recipient.did', /DID/],
    ['an empty narrative', { narrative: '  ' }, 'body.changes.narrative', /must not be empty/],
    ['an ftp evidence URL', { evidence: [{ url: 'ftp://example.org/x' }] }, 'body.changes.evidence.0.url', /http\(s\)/],
    ['an empty evidence item', { evidence: [{}] }, 'body.changes.evidence.0', /at least one of url, name, description/],
    ['a validUntil that is not a date', { validUntil: 'soon' }, 'body.changes.validUntil', /RFC 3339/],
  ];
  for (const [what, changes, path, message] of cases) await t.test(what, (t) => refused(t, id, send(changes), validation(path, message)).then(() => {}));
  for (const [what, changes, path, message] of [
    ['an unknown change', { grade: 'A' }, 'body.changes', /Unrecognized key: "grade"/],
    ['an unknown change beside a valid one', { narrative: 'Fine', grade: 'A' }, 'body.changes', /Unrecognized key: "grade"/],
    ['an unknown recipient field', { recipient: { name: 'Amina El-Sayed', phone: '+20 100' } }, 'body.changes.recipient', /Unrecognized key: "phone"/],
  ] as const) {
    await t.test(what, (t) => refused(t, id, send(changes), { status: 400, type: 'validation', firstError: [path, message] }).then(() => {}));
  }

  await t.test('a validUntil in the past: 422 naming changes.validUntil', async (t) => {
    await refused(t, id, send({ validUntil: '2020-01-01T00:00:00Z' }), { status: 422, type: 'reissue-expired', detail: /changes\.validUntil/ });
  });

  // The original's validFrom is kept, so a validUntil before it makes a credential that ends before it begins
  // (VC Data Model 2.0: validFrom MUST NOT be later than validUntil). That is the caller's mistake: a 4xx.
  await t.test('a validUntil before the credential\'s validFrom: a 4xx naming changes.validUntil', async (t) => {
    const future = await issued(t, { validFrom: '2030-01-01T00:00:00Z' });
    const before = await counts();
    const response = await act(app, token, future, 'reissue', { changes: { validUntil: '2029-01-01T00:00:00Z' }, reason: 'Shorter validity' });
    t.ok([400, 422].includes(response.statusCode), `a client error, not ${response.statusCode}: ${response.body}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.match(response.json().detail, /validUntil/, 'the detail names validUntil');
    t.match(response.json().detail, /validFrom|2030-01-01/, 'and says what it must follow');
    t.same(await counts(), before, 'nothing written');
    t.equal((await view(t, app, token, future)).status, 'active');
  });

  await t.test('a revoked credential is not corrected: 409', async (t) => {
    const revoked = await issued(t);
    t.equal((await act(app, token, revoked, 'revoke', { reason: 'Withdrawn' })).statusCode, 200);
    await refused(t, revoked, send({ recipient: { name: 'Amina El-Sayed' } }, revoked), { status: 409, type: 'credential-revoked', detail: /Withdrawn/ });
  });
});

t.test('GET /api/v1/credentials: bad filters and cursors are 400 naming the parameter', async (t) => {
  const id = await issued(t);
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const cases: [string, string, RegExp][] = [
    ['status=bogus', 'querystring.status', /expected one of/],
    ['status=Revoked', 'querystring.status', /expected one of/],
    ['limit=0', 'querystring.limit', /1|small/],
    ['limit=101', 'querystring.limit', /100|big/],
    ['limit=abc', 'querystring.limit', /number/],
    ['limit=1.5', 'querystring.limit', /int/],
    ['achievementId=nope', 'querystring.achievementId', /course id/],
    ['issuedFrom=yesterday', 'querystring.issuedFrom', /RFC 3339/],
    ['issuedTo=2026-01-01', 'querystring.issuedTo', /RFC 3339/],
    ['recipient=', 'querystring.recipient', /1|small/],
    [`recipient=${'r'.repeat(201)}`, 'querystring.recipient', /200|big/],
    [`cursor=${'c'.repeat(201)}`, 'querystring.cursor', /200|big/],
  ];
  for (const [query, path, message] of cases) {
    await t.test(query.slice(0, 40), (t) => refused(t, id, () => apiGet(app, token, `/api/v1/credentials?${query}`), validation(path, message)).then(() => {}));
  }
  for (const [what, value] of [
    ['garbage', 'garbage'],
    ['a cursor with a bad id', cursor(['2026-01-01T00:00:00.000Z', 'x'])],
    ['a cursor with a bad date', cursor(['not a date', randomUUID()])],
    ['a cursor that is not a pair', cursor({ createdAt: 1 })],
  ] as const) {
    await t.test(`cursor: ${what}`, (t) =>
      refused(t, id, () => apiGet(app, token, `/api/v1/credentials?cursor=${value}`), { status: 400, type: 'invalid-request', detail: /cursor.*start again without a cursor/, errors: [['querystring.cursor', /unknown cursor/]] }).then(() => {}),
    );
  }
});

t.test('GET /api/v1/credentials/:id and /events: unknown ids are 404, bad pages 400', async (t) => {
  const id = await issued(t);
  for (const path of [`/api/v1/credentials/${randomUUID()}`, '/api/v1/credentials/not-a-uuid', `/api/v1/credentials/${randomUUID()}/events`, '/api/v1/credentials/not-a-uuid/events']) {
    await t.test(path, (t) => refused(t, id, () => apiGet(app, token, path), { status: 404, type: 'not-found', detail: new RegExp(path.split('/')[4]!) }).then(() => {}));
  }
  await t.test('events?cursor=garbage', (t) =>
    refused(t, id, () => apiGet(app, token, `/api/v1/credentials/${id}/events?cursor=garbage`), { status: 400, type: 'invalid-request', detail: /start again without a cursor/, errors: [['querystring.cursor', /unknown cursor/]] }).then(() => {}),
  );
  await t.test('events?limit=0', (t) => refused(t, id, () => apiGet(app, token, `/api/v1/credentials/${id}/events?limit=0`), validation('querystring.limit', /1|small/)).then(() => {}));
});

t.test('scopes: reading needs credentials:read or credentials:manage; changing needs credentials:manage', async (t) => {
  const id = await issued(t);
  const reader = await demoToken(testApp, 'credentials:read');
  const issuer = await demoToken(testApp, 'credentials:issue');
  const admin = await adminToken(testApp);
  const changes: [Operation, Json][] = Object.entries(VALID) as [Operation, Json][];

  for (const [operation, payload] of changes) {
    for (const [who, bearerToken] of [['a credentials:read token', reader], ['a credentials:issue token', issuer], ['a platform admin token', admin]] as const) {
      await t.test(`${who} cannot ${operation}: 403 naming credentials:manage`, async (t) => {
        const problem = await refused(t, id, () => act(app, bearerToken, id, operation, payload), { status: 403, type: 'insufficient-scope', detail: /"credentials:manage"/ });
        t.equal(problem.instance, `/api/v1/credentials/${id}/${operation}`);
      });
    }
    await t.test(`no token cannot ${operation}: 401`, async (t) => {
      const response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/${operation}`, payload });
      t.equal(response.statusCode, 401);
      t.match(response.headers['content-type'], /^application\/problem\+json/);
      t.match(response.headers['www-authenticate'], /^Bearer/);
    });
  }
  const reads = [`/api/v1/credentials`, `/api/v1/credentials/${id}`, `/api/v1/credentials/${id}/events`];
  for (const path of reads) {
    const response = await apiGet(app, reader, path);
    t.equal(response.statusCode, 200, `a credentials:read token reads ${path}`);
    t.match(response.body, path.endsWith('/events') ? '"action":"credential.issued"' : id, 'with the credential');
    await t.test(`a credentials:issue token cannot read ${path}`, (t) =>
      refused(t, id, () => apiGet(app, issuer, path), { status: 403, type: 'insufficient-scope', detail: /"credentials:read" or "credentials:manage"/ }).then(() => {}),
    );
    const anonymous = await app.inject({ method: 'GET', url: path });
    t.equal(anonymous.statusCode, 401, `no token: ${path}`);
    t.match(anonymous.headers['content-type'], /^application\/problem\+json/);
  }
  t.equal((await view(t, app, token, id)).status, 'active', 'after all that, still active');
});

t.test('an id written in upper case is the same credential, recorded under its canonical id', async (t) => {
  const id = await issued(t);
  const response = await act(app, token, id.toUpperCase(), 'suspend', { reason: 'Upper case' });
  t.equal(response.statusCode, 200, response.body);
  t.equal(response.json().id, id);
  const details = await view(t, app, token, id);
  t.match(details.history[0], { action: 'credential.suspended' });
  const audit = await apiGet(app, token, `/api/v1/audit?target=${encodeURIComponent(`credential:${id}`)}`);
  t.equal(audit.statusCode, 200, audit.body);
  t.same(
    audit.json().items.map((event: Json) => event.action),
    ['credential.suspended', 'credential.issued'],
    'the centre\'s audit trail finds the suspension under the credential\'s id',
  );
  t.same([...new Set(audit.json().items.map((event: Json) => event.target))], [`credential:${id}`]);
});

t.test('a suspended centre still withdraws what it issued, but cannot issue corrections', async (t) => {
  const revocable = await issued(t);
  const correctable = await issued(t);
  const admin = { authorization: `Bearer ${await adminToken(testApp)}` };
  const suspended = await app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/suspend', headers: admin, payload: { reason: 'Audit' } });
  t.equal(suspended.statusCode, 200, suspended.body);
  t.teardown(() => app.inject({ method: 'POST', url: '/api/v1/centres/egypt-demo/reactivate', headers: admin, payload: { reason: 'Audit done' } }).then(() => {}));
  const revoked = await act(app, token, revocable, 'revoke', { reason: 'Withdrawn during the audit' });
  t.equal(revoked.statusCode, 200, revoked.body);
  t.equal(revoked.json().status, 'revoked');
  await refused(t, correctable, () => act(app, token, correctable, 'reissue', VALID.reissue), { status: 403, type: 'centre-suspended', detail: /egypt-demo.*suspended/ });
});

t.test('a 404 carries every RFC 9457 member', async (t) => {
  const response = await act(app, token, randomUUID(), 'revoke', VALID.revoke);
  t.match(response.json(), { type: `${BASE_URL}/problems/not-found`, title: 'Not Found', status: 404 });
});
