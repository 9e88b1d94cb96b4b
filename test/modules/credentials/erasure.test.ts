import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, type SQL, sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { auditEvents, batchRows, credentials, deliveries } from '../../../src/db/schema/index.js';
import { createMailer } from '../../../src/modules/delivery/mailer.js';
import { sendDelivery } from '../../../src/modules/delivery/service.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL, build, createCentreWithClient, demoToken, firstAchievementId, issue } from '../../helper.js';
import { act, apiGet, bearer, lifecycleCounts, view } from '../../support/lifecycle.js';
import { assertRefused } from '../../support/rejections.js';
import { bitAt, bitsOf, indexOf, listPath } from '../../support/status-lists.js';
import { stockVerifier } from '../../support/stock-verifier.js';
import { assertPage, assertProblem, browser, urlencoded } from '../pages/page-support.js';

// Issue 12: a learner asks for their personal data to be erased. POST /api/v1/credentials/:id/erase revokes the
// credential (its bit set in the served list) and erases the name, e-mail, DID, learner id and signed document, the
// credential's e-mails and the cohort rows that issued it, in one transaction with an audit event that names none of
// them. Afterwards every public way to the credential (page, short link, JSON, QR, certificate, verification by id,
// link or code) is a 410 saying it was withdrawn at its holder's request. This app works no jobs, so a queued e-mail
// can be worked by hand after the erasure.

type Json = Record<string, any>;

const testApp = await build(t, { JOBS_IN_PROCESS: 'false' });
const { app } = testApp;
const token = await demoToken(testApp, 'credentials:issue credentials:read credentials:manage');
const achievementId = await firstAchievementId(app);
const outside = stockVerifier(app);
const counts = () => lifecycleCounts(app);
const mailer = createMailer({ mail: app.ctx.config.mail, log: app.log });
t.teardown(() => mailer.close());
const outboxFiles = async () => (await readdir(join(testApp.keysDir, 'outbox')).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));

const NAME = 'Amina El-Sayed';
const EMAIL = 'amina.erasure@example.org';
const DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';
const LEARNER_ID = 'EG-LEARNER-0042';
const PERSONAL = [NAME, EMAIL, DID, LEARNER_ID];

/** POST …/erase with exactly this body (undefined: none), as the given token. */
const eraseWith = (id: string, payload: unknown, as = token) =>
  app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/erase`, headers: bearer(as), ...(payload === undefined ? {} : { payload: payload as Json }) });
/** POST …/erase confirmed, as the given token. */
const erase = (id: string, as = token) => eraseWith(id, { confirm: 'erase' }, as);

/** Issues a credential of the demo centre (throws on anything but 201: also used before the first test). */
async function issued(body: Json) {
  const response = await issue(app, token, { achievementId, ...body });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  const { id, verifiableCredential } = response.json() as { id: string; verifiableCredential: Json };
  return { id, credential: verifiableCredential, shortCode: (await apiGet(app, token, `/api/v1/credentials/${id}`)).json().shortCode as string };
}

/** The revocation bit of a credential, as the stock Bitstring Status List check reads the list served now. */
async function stockBit(t: Test, credential: Json): Promise<boolean | undefined> {
  const result = await outside.checkStatus(credential);
  t.equal(result.verified, true, `the stock check could read the list: ${result.error ? String(result.error) : ''}`);
  return (result as { results?: { status: boolean }[] }).results?.[0]?.status;
}

/** The rows of a raw query, on PGlite (`{rows}`) and on postgres.js (an array) alike. */
async function selectRows<Row>(query: SQL): Promise<Row[]> {
  const result: unknown = await app.ctx.db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/** Every row of every table the service and its job queue keep, as text: where a learner's data could linger. */
async function everyStoredRow(t: Test): Promise<string> {
  const rows = await selectRows<{ schema: string; name: string }>(
    sql`select table_schema as schema, table_name as name from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  t.ok(rows.some((table) => table.name === 'credentials'), 'the scan reads the credentials table');
  const texts: string[] = [];
  for (const table of rows) {
    const found = await selectRows<{ text: string }>(sql`select row_to_json(t)::text as text from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t`);
    texts.push(...found.map((row) => row.text));
  }
  return texts.join('\n');
}

// Amina's credential with everything the service keeps about her: an address with an e-mail queued to it, a DID, a
// learner id, and a cohort row that names her again (the upload points at the credential issued before).
const amina = await issued({ recipient: { name: NAME, email: EMAIL, did: DID }, externalId: LEARNER_ID, deliver: true });
const bystander = await issued({ recipient: { name: 'Omar Farouk', email: 'omar@example.org' } });
const upload = await app.inject({
  method: 'POST',
  url: '/api/v1/batches',
  headers: bearer(token),
  payload: { rows: [{ name: NAME, email: EMAIL, externalId: LEARNER_ID, achievementId }] },
});
if (upload.statusCode !== 202) throw new Error(`batch upload: ${upload.statusCode} ${upload.body}`);
const [deliveryBefore] = (await apiGet(app, token, `/api/v1/credentials/${amina.id}/deliveries`)).json().items;

t.test('erase: the credential is revoked and nothing personal of the learner is left anywhere', async (t) => {
  const [row] = await app.ctx.db.select().from(batchRows).where(eq(batchRows.credentialId, amina.id));
  t.match(row, { state: 'existing', input: { recipient: { name: NAME, email: EMAIL } } }, 'before: the cohort row names her and points at her credential');
  t.match(deliveryBefore, { state: 'queued', to: EMAIL }, 'before: an e-mail to her is waiting');
  t.equal(await stockBit(t, amina.credential), false, 'before: the stock check reads the bit unset');
  const before = await everyStoredRow(t);
  for (const value of PERSONAL) t.ok(before.includes(value), `before: the database holds ${value}`);
  const countsBefore = await counts();

  const response = await erase(amina.id);
  t.equal(response.statusCode, 200, response.body);
  const body = response.json();
  t.match(body, {
    id: amina.id,
    status: 'erased',
    recipient: { name: '', email: null, did: null },
    shortCode: amina.shortCode,
    revocation: { reason: null },
    statusEntry: { statusListIndex: String(indexOf(amina.credential)) },
  });
  t.type(body.erasedAt, 'string');
  t.equal(body.revocation.at, body.erasedAt, 'revoked by the erasure, at the same moment');
  t.same(await counts(), { ...countsBefore, revoked: countsBefore.revoked + 1, auditEvents: countsBefore.auditEvents + 1, listSignatures: countsBefore.listSignatures + 1 }, 'revoked, audited once, the list re-signed once');

  const [stored] = await app.ctx.db.select().from(credentials).where(eq(credentials.id, amina.id));
  t.match(stored, { recipientName: '', recipientEmail: null, recipientDid: null, externalId: null, document: null, shortCode: amina.shortCode, achievementId });
  t.ok(stored!.erasedAt && stored!.revokedAt, 'erased and revoked');
  t.same(await app.ctx.db.select().from(deliveries).where(eq(deliveries.credentialId, amina.id)), [], 'her e-mails (each holds the address) are gone');
  t.same((await app.ctx.db.select({ input: batchRows.input }).from(batchRows).where(eq(batchRows.credentialId, amina.id))).map((r) => r.input), [{}], 'the cohort row keeps its place, not her data');

  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.action, 'credential.erased'));
  t.match(event, { credentialId: amina.id, target: `credential:${amina.id}`, actorKind: 'client' });
  t.same(event!.details, { previouslyRevoked: false }, 'the act, and nothing personal');
  const eventText = JSON.stringify(event);
  for (const value of PERSONAL) t.notOk(eventText.includes(value), `the audit event does not contain ${value}`);

  const after = await everyStoredRow(t);
  for (const value of PERSONAL) t.notOk(after.includes(value), `no table of the database holds ${value} any more`);
  t.ok(after.includes('Omar Farouk'), 'the other learner\'s credential is untouched');

  // the status list, as every outside verifier reads it
  t.equal(await stockBit(t, amina.credential), true, 'the stock check: her bit is set');
  t.equal(await stockBit(t, bystander.credential), false, 'the other credential on the list is not');
  const list = (await app.inject({ method: 'GET', url: listPath(amina.credential) })).json();
  t.equal(bitAt(bitsOf(list.credentialSubject.encodedList), indexOf(amina.credential)), true, 'the served list, decoded here: the bit is set');

  // the e-mail queued before the erasure is not sent
  t.same(await sendDelivery({ ctx: app.ctx, mailer, deliveryId: deliveryBefore.id }), { kind: 'skipped' });
  t.same(await outboxFiles(), [], 'nothing was sent');
});

t.test('the public pages and documents: 410, withdrawn at the holder\'s request, no name', async (t) => {
  for (const language of ['en', 'ar'] as const) {
    const response = await app.inject({ method: 'GET', url: `/credentials/${amina.id}?lang=${language}`, headers: browser() });
    const page = assertPage(t, response, 410, `the page in ${language}`);
    const words = pageCatalogues[language].errors;
    t.equal(page.lang, language);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.equal(page.h1, words.withdrawnTitle, `${language}: the heading says it was withdrawn`);
    t.ok(page.text.includes(words.credentialWithdrawn), `${language}: and why`);
    t.notOk(response.body.includes(NAME) || response.body.includes('Amina'), `${language}: no name`);
    t.equal(response.headers['cache-control'], 'no-store');
  }
  t.match(pageCatalogues.en.errors.credentialWithdrawn, /withdrawn at the request of its holder/);

  const short = await app.inject({ method: 'GET', url: `/v/${amina.shortCode}?lang=fr`, headers: browser() });
  t.equal(short.statusCode, 302, 'the short link still leads to the credential');
  const followed = assertPage(t, await app.inject({ method: 'GET', url: short.headers.location as string, headers: browser() }), 410, '/v/<code> followed');
  t.equal(followed.h1, pageCatalogues.fr.errors.withdrawnTitle);

  const json = await app.inject({ method: 'GET', url: `/credentials/${amina.id}`, headers: { accept: 'application/json' } });
  const problem = assertProblem(t, json, 410, 'credential-withdrawn', 'the signed JSON');
  t.match(problem, { title: 'Gone', instance: `/credentials/${amina.id}`, detail: /withdrawn at its holder's request.*erased.*revoked/ });
  t.notOk(json.body.includes('Amina'), 'no name in the problem');
  for (const path of ['qr.svg', 'qr.png', 'certificate.pdf']) {
    assertProblem(t, await app.inject({ method: 'GET', url: `/credentials/${amina.id}/${path}` }), 410, 'credential-withdrawn', path);
  }

  // verification by reference: there is no document left to verify
  for (const reference of [{ id: amina.id }, { code: amina.shortCode }, { url: `${BASE_URL}/v/${amina.shortCode}` }, { url: `${BASE_URL}/credentials/${amina.id}` }]) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: reference });
    assertProblem(t, response, 410, 'credential-withdrawn', `verify ${JSON.stringify(reference)}`);
  }
  const form = await app.inject({ method: 'POST', url: '/verify?lang=zh', ...urlencoded({ code: amina.shortCode }) });
  t.equal(form.statusCode, 410, 'the verify page, given the code');
  t.ok(form.body.includes(pageCatalogues.zh.errors.credentialWithdrawn), 'says it was withdrawn');

  // a copy the holder kept still reads as what it is: genuine, and revoked
  const copy = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: amina.credential } });
  t.equal(copy.statusCode, 200);
  t.match(copy.json(), { verified: false, verdict: 'revoked' });

  // a retry of the issuance request is answered as the credential is now
  const replayKey = 'erasure-replay-1';
  const first = await issue(app, token, { achievementId, recipient: { name: 'Replayed Learner' } }, { 'idempotency-key': replayKey });
  t.equal(first.statusCode, 201);
  t.equal((await erase(first.json().id)).statusCode, 200);
  const replay = await issue(app, token, { achievementId, recipient: { name: 'Replayed Learner' } }, { 'idempotency-key': replayKey });
  assertProblem(t, replay, 410, 'credential-withdrawn', 'an Idempotency-Key replay');
});

t.test('the centre still sees that the credential existed and was erased, never who it was for', async (t) => {
  const details = await view(t, app, token, amina.id);
  t.match(details, { status: 'erased', recipient: { name: '', email: null, did: null } });
  t.same(details.history.map((event: Json) => event.action), ['credential.erased', 'credential.issued'], 'its history: issued, then erased');
  const list = async (query: string) => (await apiGet(app, token, `/api/v1/credentials?${query}`)).json().items.map((item: Json) => item.id);
  t.ok((await list('status=erased')).includes(amina.id), 'the list filters by the state erased');
  t.notOk((await list('status=revoked')).includes(amina.id), 'an erased credential is not listed as merely revoked');
  t.same(await list(`recipient=${encodeURIComponent('Amina')}`), [], 'her name finds nothing');
  t.same(await list(`email=${encodeURIComponent(EMAIL)}`), [], 'nor her address');
  t.ok((await list(`code=${amina.shortCode}`)).includes(amina.id), 'the code still finds the credential');
});

t.test('refusals: twice, another centre, no manage scope, no confirmation, other actions on an erased credential', async (t) => {
  await assertRefused(t, counts, () => erase(amina.id), { status: 409, type: 'credential-erased', detail: /erased on .* at its holder's request/ });
  for (const [operation, payload] of [
    ['revoke', { reason: 'again' }],
    ['suspend', { reason: 'hold' }],
    ['unsuspend', { reason: 'lift' }],
    ['reissue', { changes: { recipient: { name: 'Someone Else' } }, reason: 'try' }],
  ] as const) {
    await assertRefused(t, counts, () => act(app, token, amina.id, operation, payload), { status: 409, type: 'credential-erased' });
  }
  const redeliver = () => app.inject({ method: 'POST', url: `/api/v1/credentials/${amina.id}/deliver`, headers: bearer(token), payload: { email: 'new@example.org' } });
  await assertRefused(t, counts, redeliver, { status: 409, type: 'credential-erased' });
  t.same(await app.ctx.db.select().from(deliveries).where(eq(deliveries.credentialId, amina.id)), [], 'no e-mail is queued for an erased credential');

  const target = await issued({ recipient: { name: 'Youssef Kamal', email: 'youssef@example.org' } });
  const other = await createCentreWithClient(testApp, { slug: 'erasure-other', scopes: ['credentials:issue', 'credentials:manage', 'credentials:read'] });
  await assertRefused(t, counts, () => erase(target.id, other.token), { status: 404, type: 'not-found' });
  const reader = await demoToken(testApp, 'credentials:issue credentials:read');
  await assertRefused(t, counts, () => erase(target.id, reader), { status: 403, type: 'insufficient-scope' });

  const confirmation = /send \{"confirm": "erase"\}/;
  await assertRefused(t, counts, () => eraseWith(target.id, undefined), { status: 400, type: 'validation', detail: confirmation });
  await assertRefused(t, counts, () => eraseWith(target.id, {}), { status: 400, type: 'validation', errors: [['body.confirm', confirmation]] });
  await assertRefused(t, counts, () => eraseWith(target.id, { confirm: true }), { status: 400, type: 'validation', errors: [['body.confirm', confirmation]] });
  await assertRefused(t, counts, () => eraseWith(target.id, { confirm: 'ERASE ' }), { status: 400, type: 'validation', errors: [['body.confirm', confirmation]] });
  await assertRefused(t, counts, () => eraseWith(target.id, { confirm: 'erase', reason: `${NAME} asked` }), { status: 400, type: 'validation' });
  t.equal((await view(t, app, token, target.id)).status, 'active', 'the credential is as it was');
});

t.test('a credential already revoked, or replaced by a correction, can still be erased', async (t) => {
  const revoked = await issued({ recipient: { name: 'Revoked Learner' } });
  const revocation = (await act(app, token, revoked.id, 'revoke', { reason: 'Issued in error' })).json().revocation;
  const response = await erase(revoked.id);
  t.equal(response.statusCode, 200, response.body);
  t.match(response.json(), { status: 'erased', revocation, recipient: { name: '' } }, 'the revocation stands as it was');
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.credentialId, revoked.id)).orderBy(sql`${auditEvents.createdAt} desc`).limit(1);
  t.match(event, { action: 'credential.erased', details: { previouslyRevoked: true } });
  t.equal(await stockBit(t, revoked.credential), true, 'the bit stays set');

  const original = await issued({ recipient: { name: 'Misspelt Learner' } });
  const correction = await act(app, token, original.id, 'reissue', { changes: { recipient: { name: 'Corrected Learner' } }, reason: 'Name misspelt' });
  t.equal(correction.statusCode, 201, correction.body);
  const erased = await erase(original.id);
  t.equal(erased.statusCode, 200, erased.body);
  t.match(erased.json(), { status: 'erased', supersededBy: { id: correction.json().id } });
  t.equal((await view(t, app, token, correction.json().id)).status, 'active', 'the correction is a credential of its own: erased only when asked for');
});
