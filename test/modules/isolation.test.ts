import { randomUUID } from 'node:crypto';
import t from 'tap';
import { adminToken, build, createCentreWithClient, firstAchievementId } from '../helper.js';

// Tenant isolation: another centre's token, and a token without the needed scope, never get data of a centre
// that is not theirs: every /api/v1 route answers 403 or 404, and lists hold only the caller's own rows.

t.test('centre B cannot read or act on centre A through any /api/v1 route', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const egyptClientId = testApp.demoClient.client_id;
  const b = await createCentreWithClient(testApp, { slug: 'centre-b', scopes: ['credentials:issue', 'credentials:manage', 'credentials:read', 'clients:manage'] });
  const asB = { authorization: `Bearer ${b.token}` };
  const admin = { authorization: `Bearer ${await adminToken(testApp)}` };
  const achievementId = await firstAchievementId(app);
  // Something of A's to find: an issued credential, an audit trail, authorisations.
  const egyptToken = (await app.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'client_credentials', client_id: egyptClientId, client_secret: testApp.demoClient.client_secret } })).json().access_token;
  const issued = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: { authorization: `Bearer ${egyptToken}` }, payload: { achievementId, recipient: { name: 'Secret Egypt Learner' } } });
  t.equal(issued.statusCode, 201);
  // and one of A's credentials in each state B might probe: suspended, revoked
  const asA = { authorization: `Bearer ${egyptToken}` };
  const issueForA = async (name: string) => (await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: asA, payload: { achievementId, recipient: { name } } })).json().id as string;
  const suspendedId = await issueForA('Secret Egypt Learner (suspended)');
  const revokedId = await issueForA('Secret Egypt Learner (revoked)');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${suspendedId}/suspend`, headers: asA, payload: { reason: 'A\'s hold' } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${revokedId}/revoke`, headers: asA, payload: { reason: 'A\'s revocation' } })).statusCode, 200);
  // What A's credentials look like before B tries anything: views (with history), signed documents, status lists.
  const credentialIds = [issued.json().id as string, suspendedId, revokedId];
  const snapshot = async () => {
    const views = await Promise.all(credentialIds.map(async (id) => (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers: asA })).body));
    const documents = await Promise.all(credentialIds.map(async (id) => (await app.inject({ method: 'GET', url: `/credentials/${id}` })).body));
    const list = new URL(issued.json().verifiableCredential.credentialStatus.statusListCredential).pathname;
    return { views, documents, list: (await app.inject({ method: 'GET', url: list })).body, all: (await app.inject({ method: 'GET', url: '/api/v1/credentials?limit=100', headers: asA })).body };
  };
  const before = await snapshot();
  t.match(before.views[1], '"status":"suspended"');
  t.match(before.views[2], '"status":"revoked"');

  const matrix: [method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, expected?: number][] = [
    ['GET', '/api/v1/centres/egypt-demo'],
    ['PATCH', '/api/v1/centres/egypt-demo', { hostInstitution: 'x' }],
    ['POST', '/api/v1/centres/egypt-demo/suspend', { reason: 'x' }],
    ['POST', '/api/v1/centres/egypt-demo/reactivate', { reason: 'x' }],
    ['POST', '/api/v1/centres', { slug: 'new-centre', name: { en: 'x' }, countryCode: 'EG' }],
    ['GET', '/api/v1/centres/egypt-demo/keys'],
    ['POST', '/api/v1/centres/egypt-demo/keys/rotate'],
    ['POST', '/api/v1/centres/egypt-demo/keys/compromise', { keyId: 'did:web:localhost%3A3000:centres:egypt-demo#z6Mk', reason: 'x' }],
    ['GET', '/api/v1/centres/egypt-demo/clients'],
    ['POST', '/api/v1/centres/egypt-demo/clients', { name: 'x', scopes: ['credentials:issue'] }],
    ['POST', `/api/v1/clients/${egyptClientId}/rotate-secret`],
    ['POST', `/api/v1/clients/${egyptClientId}/disable`, { reason: 'x' }],
    ['GET', '/api/v1/audit?centre=egypt-demo'],
    ['POST', '/api/v1/achievements', { name: { en: 'x' }, description: { en: 'x' }, criteria: { en: 'x' } }],
    ['PATCH', `/api/v1/achievements/${achievementId}`, { level: 'x' }],
    ['POST', '/api/v1/authorisations', { centre: 'centre-b', achievementId }],
    // A's credentials, in every state, through every credential route: not found (not "revoked", not "not suspended")
    ...credentialIds.flatMap((id): typeof matrix => [
      ['GET', `/api/v1/credentials/${id}`, undefined, 404],
      ['GET', `/api/v1/credentials/${id}/events`, undefined, 404],
      ['POST', `/api/v1/credentials/${id}/revoke`, { reason: 'x' }, 404],
      ['POST', `/api/v1/credentials/${id}/suspend`, { reason: 'x' }, 404],
      ['POST', `/api/v1/credentials/${id}/unsuspend`, { reason: 'x' }, 404],
      ['POST', `/api/v1/credentials/${id}/reissue`, { changes: { recipient: { name: 'Hijacked Name' } }, reason: 'x' }, 404],
    ]),
  ];
  for (const [method, url, payload, expected] of matrix) {
    const response = await app.inject({ method, url, headers: asB, ...(payload ? { payload } : {}) });
    if (expected) t.equal(response.statusCode, expected, `${method} ${url} → ${response.statusCode}`);
    else t.ok([403, 404].includes(response.statusCode), `${method} ${url} → ${response.statusCode}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/);
    t.notMatch(response.body, /Secret Egypt Learner|did:web:[^"]*egypt-demo#|client_secret|scrypt\$/, `${method} ${url} leaks nothing of centre A`);
  }

  t.same(await snapshot(), before, 'A\'s credentials, their history, documents and status list are untouched');
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: issued.json().id } })).json().verdict, 'valid', 'and A\'s credential still verifies');

  // Lists hold only B's own rows.
  const bIssued = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: asB, payload: { achievementId, recipient: { name: 'Secret B Learner' } } });
  t.equal(bIssued.statusCode, 201);
  for (const query of ['', '?limit=100', '?recipient=secret', '?status=active', '?status=suspended', '?status=revoked', `?achievementId=${achievementId}`, '?limit=1']) {
    const own = await app.inject({ method: 'GET', url: `/api/v1/credentials${query}`, headers: asB });
    t.equal(own.statusCode, 200, `GET /api/v1/credentials${query}`);
    const ids = own.json().items.map((item: { id: string }) => item.id);
    t.same(ids, query.includes('suspended') || query.includes('revoked') ? [] : [bIssued.json().id], `GET /api/v1/credentials${query} as B: only B's credential`);
    t.notMatch(own.body, /Secret Egypt Learner/);
  }
  const aList = (await app.inject({ method: 'GET', url: '/api/v1/credentials?recipient=secret&limit=100', headers: asA })).json().items;
  t.same(aList.map((item: { id: string }) => item.id).sort(), [...credentialIds].sort(), 'and A sees only its own three');
  const centres = (await app.inject({ method: 'GET', url: '/api/v1/centres', headers: asB })).json().items;
  t.same(centres.map((c: { slug: string }) => c.slug), ['centre-b']);
  const audit = (await app.inject({ method: 'GET', url: '/api/v1/audit?limit=100', headers: asB })).json().items;
  t.ok(audit.every((event: { centreId: string }) => event.centreId === b.centre.id), 'the audit trail shows only B\'s events');
  const authorisations = await app.inject({ method: 'GET', url: '/api/v1/authorisations?limit=100', headers: asB });
  t.equal(authorisations.statusCode, 200);
  t.ok(authorisations.json().items.every((item: { centre: unknown }) => JSON.stringify(item.centre).includes('centre-b')), 'only B\'s authorisations');
  const ownClients = (await app.inject({ method: 'GET', url: '/api/v1/centres/centre-b/clients', headers: asB })).json().items;
  t.same(ownClients.map((c: { client_id: string }) => c.client_id), [b.clientId]);
  t.notMatch(JSON.stringify(ownClients), /client_secret|secretHash|scrypt\$/, 'no secret or hash in the client list');

  // The admin sees A's data, so the 404s above are isolation, not absence.
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/centres/egypt-demo', headers: admin })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/centres/egypt-demo/clients', headers: admin })).json().items.length, 1);
});

t.test('a token without the needed scope is refused with 403 naming it', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const reader = await createCentreWithClient(testApp, { slug: 'reader-only', scopes: ['credentials:read'] });
  const asReader = { authorization: `Bearer ${reader.token}` };
  const cases: [method: 'GET' | 'POST', url: string, scope: RegExp, payload?: object][] = [
    ['POST', '/api/v1/credentials', /credentials:issue/, { achievementId: await firstAchievementId(app), recipient: { name: 'x' } }],
    ['POST', '/api/v1/centres/reader-only/clients', /clients:manage/, { name: 'x', scopes: ['credentials:issue'] }],
    ['POST', '/api/v1/centres/reader-only/keys/rotate', /registry:admin/],
    ['GET', '/api/v1/centres/reader-only/keys', /clients:manage|credentials:manage/],
    ...(['revoke', 'suspend', 'unsuspend'] as const).map((operation): (typeof cases)[number] => ['POST', `/api/v1/credentials/${randomUUID()}/${operation}`, /credentials:manage/, { reason: 'x' }]),
    ['POST', `/api/v1/credentials/${randomUUID()}/reissue`, /credentials:manage/, { changes: { narrative: 'x' }, reason: 'x' }],
  ];
  for (const [method, url, scope, payload] of cases) {
    const response = await app.inject({ method, url, headers: asReader, ...(payload ? { payload } : {}) });
    t.equal(response.statusCode, 403, `${method} ${url}`);
    t.match(response.json().detail, scope);
  }
});
