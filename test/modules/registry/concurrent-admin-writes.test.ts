// Issue 10 §2 "Committed, then answered 500": key rotations, centre updates and centre creations sent all at
// once. Each change and the registry version reflecting it commit together, so: every 2xx has exactly one audit
// row and one registry version, no other answer has either, nothing is a 500, and the newest registry lists
// exactly what the database holds. Two creations of one slug at once: one 201, the others 409 problems.
// Runs on PGlite (one connection: the requests interleave between statements) and, with DATABASE_URL, on
// PostgreSQL (truly parallel transactions).
import { eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { auditEvents, centres, registryVersions, signingKeys } from '../../../src/db/schema/index.js';
import { adminToken, build } from '../../helper.js';

const CENTRES = ['reg-north', 'reg-south', 'reg-east'];
const ROTATIONS_PER_CENTRE = 8;
const UPDATES_PER_CENTRE = 5;
const TWIN_CREATIONS = 6;

t.test('concurrent admin writes: answers, audit rows and registry versions agree', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const { db } = app.ctx;
  const token = await adminToken(testApp);
  const admin = { authorization: `Bearer ${token}` };
  for (const slug of CENTRES) {
    const created = await app.inject({ method: 'POST', url: '/api/v1/centres', headers: admin, payload: { slug, name: { en: `IIOE ${slug}` }, countryCode: 'EG' } });
    t.equal(created.statusCode, 201, `centre ${slug} created`);
  }
  const countRows = async (table: typeof auditEvents | typeof registryVersions) => (await db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
  const auditBefore = await countRows(auditEvents);
  const versionsBefore = await countRows(registryVersions);

  type Kind = 'rotate' | 'update' | 'create';
  const requests: { kind: Kind; slug: string; send: () => Promise<LightMyRequestResponse> }[] = [];
  for (const slug of CENTRES) {
    for (let i = 0; i < ROTATIONS_PER_CENTRE; i++) requests.push({ kind: 'rotate', slug, send: () => app.inject({ method: 'POST', url: `/api/v1/centres/${slug}/keys/rotate`, headers: admin }) });
    for (let i = 0; i < UPDATES_PER_CENTRE; i++) {
      requests.push({ kind: 'update', slug, send: () => app.inject({ method: 'PATCH', url: `/api/v1/centres/${slug}`, headers: admin, payload: { name: { en: `IIOE ${slug} revision ${i}` } } }) });
    }
  }
  for (let i = 0; i < TWIN_CREATIONS; i++) {
    requests.push({ kind: 'create', slug: 'reg-twin', send: () => app.inject({ method: 'POST', url: '/api/v1/centres', headers: admin, payload: { slug: 'reg-twin', name: { en: `IIOE twin ${i}` }, countryCode: 'EG' } }) });
  }
  // Shuffled, so rotations, updates and creations of different centres race each other.
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [requests[i], requests[j]] = [requests[j]!, requests[i]!];
  }
  const answers = await Promise.all(requests.map(async (request) => ({ ...request, response: await request.send() })));

  const statuses = answers.map(({ response }) => response.statusCode);
  t.notOk(statuses.some((status) => status >= 500 && status !== 503), `no 500 among ${answers.length} answers (${[...new Set(statuses)].join(', ')})`);
  for (const { response } of answers.filter(({ response }) => response.statusCode >= 400)) {
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${response.statusCode} is a problem`);
  }
  const succeeded = answers.filter(({ response }) => response.statusCode < 300);
  const ofKind = (kind: Kind) => succeeded.filter((answer) => answer.kind === kind);

  // Concurrent creation of one slug: exactly one centre, the others told so.
  const twins = answers.filter(({ kind }) => kind === 'create');
  t.equal(ofKind('create').length, 1, 'one creation of reg-twin succeeded');
  const refused = twins.filter(({ response }) => response.statusCode === 409);
  t.equal(refused.length + ofKind('create').length + twins.filter(({ response }) => response.statusCode === 503).length, TWIN_CREATIONS, 'the other creations are 409 (or 503 under a statement timeout)');
  for (const { response } of refused) t.match(response.json().detail, /already exists/, '409 says the slug is taken');
  t.equal((await db.select().from(centres).where(eq(centres.slug, 'reg-twin'))).length, 1, 'one reg-twin row');

  // Audit rows equal actions: one per 2xx, matched to the answer, and none for any other answer.
  const audit = await db.select().from(auditEvents);
  t.equal(audit.length - auditBefore, succeeded.length, `${succeeded.length} successes, ${audit.length - auditBefore} new audit rows`);
  const rotatedTo = audit.filter((row) => row.action === 'key.rotated').map((row) => (row.details as { active: string }).active).sort();
  t.same(rotatedTo, ofKind('rotate').map(({ response }) => response.json().id as string).sort(), 'each rotation answered 201 has the audit row naming its new key');
  t.equal(audit.filter((row) => row.action === 'centre.updated').length, ofKind('update').length, 'one audit row per update answered 200');
  t.equal(audit.filter((row) => row.action === 'centre.created' && row.target === 'centre:reg-twin').length, 1, 'one audit row for the one creation');

  // Each centre: one key per successful rotation plus its first, exactly one active.
  for (const slug of CENTRES) {
    const [centre] = await db.select().from(centres).where(eq(centres.slug, slug));
    const keys = await db.select().from(signingKeys).where(eq(signingKeys.centreId, centre!.id));
    t.equal(keys.length, 1 + ofKind('rotate').filter((answer) => answer.slug === slug).length, `${slug}: a key per rotation answered 201`);
    t.equal(keys.filter((key) => key.status === 'active').length, 1, `${slug}: one active key`);
  }

  // One registry version per committed change, and the newest one is what the database holds now.
  t.equal((await countRows(registryVersions)) - versionsBefore, succeeded.length, 'one registry version per success');
  const served = await app.inject({ method: 'GET', url: '/registry' });
  t.equal(served.statusCode, 200);
  const listed = new Map<string, { name: string; centreStatus: string }>(
    served.json().credentialSubject.recognisedCentres.map((entry: { id: string; name: string; centreStatus: string }) => [entry.id.split(':').pop(), entry]),
  );
  for (const row of await db.select().from(centres)) {
    t.equal(listed.get(row.slug)?.name, row.name.en, `the registry has ${row.slug}'s committed name`);
  }
  t.equal(listed.size, (await db.select().from(centres)).length, 'the registry lists every centre, reg-twin included');
  for (const slug of CENTRES.filter((slug) => ofKind('update').some((answer) => answer.slug === slug))) {
    t.match(listed.get(slug)?.name, /revision \d$/, `${slug}: the name of a committed update is in the registry`);
  }
});
