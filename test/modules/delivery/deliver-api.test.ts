import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import t from 'tap';
import { build, createCentreWithClient, demoToken, firstAchievementId } from '../../helper.js';
import { eventually } from '../../support/batches.js';

// The delivery API on the embedded outbox: POST /api/v1/credentials with "deliver": true, re-sending one credential
// (to a corrected address, audited without it), what cannot be sent, and the delivery history.

const testApp = await build(t);
const { app } = testApp;
const auth = { authorization: `Bearer ${await demoToken(testApp, 'credentials:issue credentials:read credentials:manage')}` };
const courseId = await firstAchievementId(app);
const outbox = join(testApp.keysDir, 'outbox');

async function issue(recipient: { name: string; email?: string }, extra: Record<string, unknown> = {}) {
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient, ...extra } });
  if (response.statusCode !== 201) throw new Error(`issue: ${response.statusCode} ${response.body}`);
  const { id } = response.json();
  const view = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}`, headers: auth })).json();
  return { id: id as string, shortCode: view.shortCode as string };
}

const deliveries = async (id: string, headers = auth) => (await app.inject({ method: 'GET', url: `/api/v1/credentials/${id}/deliveries`, headers })).json().items as { id: string; to: string; state: string; attempts: number; lastError: string | null; sentAt: string | null }[];
const allSent = (id: string, expected: number) => eventually(`${expected} deliveries of ${id} sent`, () => deliveries(id), (items) => items.length === expected && items.every((item) => item.state === 'sent'));

/** The messages in the outbox addressed to `address`, parsed. */
async function outboxMessagesTo(address: string) {
  const files = (await readdir(outbox).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));
  const parsed = await Promise.all(files.map(async (name) => simpleParser(await readFile(join(outbox, name)))));
  return parsed.filter((mail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).some((to) => to?.value.some((entry) => entry.address === address)));
}

t.test('POST /api/v1/credentials with "deliver": true e-mails the credential once it is issued', async (t) => {
  const credential = await issue({ name: 'Yasmine Benali', email: 'yasmine@example.dz' }, { deliver: true, language: 'fr' });
  const [delivery] = await allSent(credential.id, 1);
  t.match(delivery, { to: 'yasmine@example.dz', state: 'sent', attempts: 1, lastError: null });
  t.ok(delivery!.sentAt);
  const [mail] = await outboxMessagesTo('yasmine@example.dz');
  t.ok(mail, 'the message is in the outbox');
  t.match(String(mail!.html), 'lang="fr"', 'in the credential\'s language');
  t.match(mail!.text, credential.shortCode, 'with the short code');

  const quiet = await issue({ name: 'Without Delivery', email: 'quiet@example.org' });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  t.same(await deliveries(quiet.id), [], 'no "deliver": no e-mail, even with an address');
  t.same(await outboxMessagesTo('quiet@example.org'), []);
});

t.test('"deliver": true without an e-mail address is refused, and nothing is issued', async (t) => {
  const before = (await app.inject({ method: 'GET', url: '/api/v1/credentials?limit=100', headers: auth })).json().items.length;
  const response = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient: { name: 'No Address' }, deliver: true } });
  t.equal(response.statusCode, 400, 'a validation problem of the body, like every rule of the issuance schema');
  t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(response.json().errors, [{ path: 'body.deliver', message: /recipient\.email/ }]);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/credentials?limit=100', headers: auth })).json().items.length, before);
});

t.test('POST /api/v1/credentials/:id/deliver to a corrected address: it replaces the recorded one, audited without it', async (t) => {
  const credential = await issue({ name: 'Hassan Amrani', email: 'hassan@typo.example' }, { deliver: true });
  await allSent(credential.id, 1);
  const response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver`, headers: auth, payload: { email: 'hassan@example.ma' } });
  t.equal(response.statusCode, 202, response.body);
  t.match(response.json(), { credentialId: credential.id, to: 'hassan@example.ma', state: 'queued', attempts: 0, sentAt: null });
  const view = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${credential.id}`, headers: auth })).json();
  t.equal(view.recipient.email, 'hassan@example.ma', 'the credential\'s recorded address is the corrected one');
  const history = await allSent(credential.id, 2);
  t.same(history.map((item) => item.to), ['hassan@example.ma', 'hassan@typo.example'], 'newest first');
  t.equal((await outboxMessagesTo('hassan@example.ma')).length, 1);

  const events = (await app.inject({ method: 'GET', url: `/api/v1/audit?action=credential.delivery-requested&target=credential:${credential.id}`, headers: auth })).json().items;
  t.equal(events.length, 1, 'the request is audited (the delivery asked at issuance is part of credential.issued)');
  t.match(events[0], { credentialId: credential.id, details: { deliveryId: response.json().id, addressChanged: true } });
  t.notMatch(JSON.stringify(events[0]), /hassan@/, 'the address stays out of the audit trail');
  const document = (await app.inject({ method: 'GET', url: `/credentials/${credential.id}`, headers: { accept: 'application/json' } })).json();
  t.notMatch(JSON.stringify(document), /hassan@/, 'and out of the signed credential');

  // again, to the address on record (no body)
  const resend = await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver`, headers: auth });
  t.equal(resend.statusCode, 202, resend.body);
  t.equal(resend.json().to, 'hassan@example.ma');
  await allSent(credential.id, 3);
  const second = (await app.inject({ method: 'GET', url: `/api/v1/audit?action=credential.delivery-requested&target=credential:${credential.id}`, headers: auth })).json().items;
  t.equal(second[0].details.addressChanged, false);
  const emptyObject = await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver`, headers: auth, payload: {} });
  t.equal(emptyObject.statusCode, 202, 'an empty JSON object is the same as no body');
  await allSent(credential.id, 4);
});

t.test('what cannot be sent: no address on record (422), a revoked credential (409), bad bodies (400)', async (t) => {
  const noAddress = await issue({ name: 'Nobody Knows' });
  let response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${noAddress.id}/deliver`, headers: auth });
  t.equal(response.statusCode, 422);
  t.match(response.json(), { type: /\/problems\/no-recipient-email$/, detail: /"email"/ });
  t.same(await deliveries(noAddress.id), []);

  const revoked = await issue({ name: 'Revoked Person', email: 'revoked@example.org' });
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${revoked.id}/revoke`, headers: auth, payload: { reason: 'issued in error' } })).statusCode, 200);
  for (const payload of [undefined, { email: 'other@example.org' }]) {
    response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${revoked.id}/deliver`, headers: auth, ...(payload ? { payload } : {}) });
    t.equal(response.statusCode, 409);
    t.match(response.json().type, /\/problems\/credential-revoked$/);
  }
  t.same(await deliveries(revoked.id), [], 'nothing queued');
  const view = (await app.inject({ method: 'GET', url: `/api/v1/credentials/${revoked.id}`, headers: auth })).json();
  t.equal(view.recipient.email, 'revoked@example.org', 'the refused correction changed nothing');
  const audited = (await app.inject({ method: 'GET', url: `/api/v1/audit?action=credential.delivery-requested&target=credential:${revoked.id}`, headers: auth })).json().items;
  t.same(audited, []);

  for (const payload of [{ email: 'not-an-address' }, { email: 'a@example.org', cc: 'b@example.org' }, { email: 42 }]) {
    response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${noAddress.id}/deliver`, headers: auth, payload });
    t.equal(response.statusCode, 400, JSON.stringify(payload));
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
  }
  t.same(await deliveries(noAddress.id), [], 'still nothing queued');
});

t.test('who may deliver and read deliveries', async (t) => {
  const credential = await issue({ name: 'Scoped Learner', email: 'scoped@example.org' });
  const reader = { authorization: `Bearer ${await demoToken(testApp, 'credentials:read')}` };
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver`, headers: reader })).statusCode, 403, 'read scope cannot send');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/credentials/${credential.id}/deliveries`, headers: reader })).statusCode, 200, 'but can read the history');
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver` })).statusCode, 401);
  const other = await createCentreWithClient(testApp, { slug: 'other-delivery', scopes: ['credentials:issue', 'credentials:read'] });
  const theirs = { authorization: `Bearer ${other.token}` };
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/credentials/${credential.id}/deliver`, headers: theirs, payload: { email: 'attacker@example.org' } })).statusCode, 404, 'another centre cannot re-send (or redirect) ours');
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/credentials/${credential.id}/deliveries`, headers: theirs })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/credentials/${credential.id}`, headers: auth })).json().recipient.email, 'scoped@example.org', 'the address is unchanged');
  for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
    const response = await app.inject({ method: 'POST', url: `/api/v1/credentials/${id}/deliver`, headers: auth });
    t.equal(response.statusCode, 404, id);
  }
});
