import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import t from 'tap';
import { actorColumns } from '../../../src/modules/audit/service.js';
import { apiClients, auditEvents, centres, credentials, statusLists } from '../../../src/db/schema/index.js';
import { insertIssuedCredential, insertIssuedCredentials } from '../../../src/modules/credentials/repository.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { unsignedCredentialRow } from '../../support/credential-rows.js';


const SYSTEM = actorColumns({ kind: 'system', clientUuid: null, staffId: null });

t.test('issuing writes the credential and exactly one audit event naming the client', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const response = await issue(app, await demoToken(testApp), { achievementId: await firstAchievementId(app), recipient: { name: 'Audit Trail', email: 'a@example.org' } });
  t.equal(response.statusCode, 201);
  const { id } = response.json();
  const [row] = await app.ctx.db.select().from(credentials).where(eq(credentials.id, id));
  t.equal(row?.recipientEmail, 'a@example.org', 'the email is kept in the database for delivery');
  const events = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.credentialId, id));
  const [client] = await app.ctx.db.select().from(apiClients).where(eq(apiClients.clientId, testApp.demoClient.client_id));
  t.equal(events.length, 1);
  t.match(events[0], { action: 'credential.issued', actorClientId: client!.id, centreId: row!.centreId, details: { language: 'en' } });
});

t.test('a credential that cannot be stored leaves no audit event, and an audit event no credential', async (t) => {
  const testApp = await build(t);
  const { db } = testApp.app.ctx;
  const [centre] = await db.select().from(centres).limit(1);
  const counts = async () => ({
    credentials: (await db.select({ n: count() }).from(credentials))[0]?.n,
    audit: (await db.select({ n: count() }).from(auditEvents))[0]?.n,
  });
  const slot = await testApp.app.ctx.statusLists.reserve(centre!.id);
  const allocated = async () => (await db.select({ n: statusLists.allocated }).from(statusLists).where(eq(statusLists.id, slot.listId)))[0]?.n;
  const before = { ...(await counts()), allocated: await allocated() };
  const countsNow = async () => ({ ...(await counts()), allocated: await allocated() });
  const row = unsignedCredentialRow({
    centreId: centre!.id,
    achievementId: await firstAchievementId(testApp.app),
    signingKeyId: randomUUID(), // no such key: the foreign key refuses the credential
    slot,
    recipientName: 'Nobody',
  });

  const now = { authorisedAt: new Date(), listCapacity: slot.capacity };
  await t.rejects(insertIssuedCredential(db, { credential: row, audit: { actor: SYSTEM, details: {} }, conditions: now }));
  t.same(await countsNow(), before, 'no row was written and no entry counted');
  // the audit part failing (unknown actor) must take the credential with it
  const [key] = await db.select({ id: credentials.signingKeyId }).from(credentials).limit(1);
  const validKey = key?.id ?? (await testApp.app.ctx.keys.ensureActiveKey({ centreId: centre!.id, purpose: 'assertion' })).id;
  await t.rejects(insertIssuedCredential(db, { credential: { ...row, signingKeyId: validKey }, audit: { actor: { ...SYSTEM, actorKind: 'client', actorClientId: randomUUID() }, details: {} }, conditions: now }));
  t.same(await countsNow(), before, 'no row was written and no entry counted');
  // no authorisation in force at the time of issuance: the statement writes nothing and says so
  t.equal(await insertIssuedCredential(db, { credential: { ...row, signingKeyId: validKey }, audit: { actor: SYSTEM, details: {} }, conditions: { ...now, authorisedAt: new Date('2000-01-01T00:00:00Z') } }), false);
  t.same(await countsNow(), before, 'nothing written without an authorisation');
  // a list with no room left: nothing written
  t.equal(await insertIssuedCredential(db, { credential: { ...row, signingKeyId: validKey }, audit: { actor: SYSTEM, details: {} }, conditions: { ...now, listCapacity: before.allocated! } }), false);
  t.same(await countsNow(), before, 'nothing written when the list is full');
  t.equal(await insertIssuedCredential(db, { credential: { ...row, signingKeyId: validKey }, audit: { actor: SYSTEM, details: {} }, conditions: now }), true, 'and with everything in order, all of it');
  t.same(await countsNow(), { credentials: before.credentials! + 1, audit: before.audit! + 1, allocated: before.allocated! + 1 });
  // the same entry for another credential: refused without an error, nothing written
  t.equal(await insertIssuedCredential(db, { credential: { ...row, id: randomUUID(), signingKeyId: validKey }, audit: { actor: SYSTEM, details: {} }, conditions: now }), false, 'an entry is held by one credential only');
  t.same(await countsNow(), { credentials: before.credentials! + 1, audit: before.audit! + 1, allocated: before.allocated! + 1 });
});

t.test('a group of credentials is stored in one statement: each checked on its own, the list counted for all', async (t) => {
  const testApp = await build(t);
  const { ctx } = testApp.app;
  const { db } = ctx;
  const [centre] = await db.select().from(centres).limit(1);
  const signingKeyId = (await ctx.keys.ensureActiveKey({ centreId: centre!.id, purpose: 'assertion' })).id;
  const achievementId = await firstAchievementId(testApp.app);
  const slots = [await ctx.statusLists.reserve(centre!.id), await ctx.statusLists.reserve(centre!.id), await ctx.statusLists.reserve(centre!.id)];
  t.ok(slots.every((slot) => slot.listId === slots[0]!.listId), 'the entries are on one list');
  const listId = slots[0]!.listId;
  const allocated = async () => (await db.select({ n: statusLists.allocated }).from(statusLists).where(eq(statusLists.id, listId)))[0]!.n;
  const before = await allocated();
  const issuanceOn = (slot: (typeof slots)[number], name: string, conditions = { authorisedAt: new Date(), listCapacity: slot.capacity }) => ({
    credential: { ...unsignedCredentialRow({ centreId: centre!.id, achievementId, signingKeyId, slot, recipientName: name }), language: 'ar', document: JSON.stringify({ name }) },
    audit: { actor: SYSTEM, details: { name } },
    conditions,
  });
  // room for one more entry only: two credentials on the list do not fit, and neither is written
  const tight = { authorisedAt: new Date(), listCapacity: before + 1 };
  t.equal(await insertIssuedCredentials(db, [issuanceOn(slots[0]!, 'a', tight), issuanceOn(slots[1]!, 'b', tight)]), 0, 'two entries do not fit in room for one');
  t.equal(await allocated(), before, 'nothing counted');

  const group = [issuanceOn(slots[0]!, 'أمينة السيد'), issuanceOn(slots[1]!, '王小明'), issuanceOn(slots[2]!, 'Éloïse')];
  t.equal(await insertIssuedCredentials(db, group), 3, 'all three written');
  t.equal(await allocated(), before + 3, 'each entry counted once');
  for (const { credential } of group) {
    const [row] = await db.select().from(credentials).where(eq(credentials.id, credential.id));
    t.equal(row?.document, credential.document, 'the document is stored exactly as given');
    t.equal(row?.recipientName, credential.recipientName);
    const events = await db.select().from(auditEvents).where(eq(auditEvents.credentialId, credential.id));
    t.match(events, [{ action: 'credential.issued', details: { name: credential.recipientName } }], 'its own audit event');
  }
  // the same entries again, one of them with a fresh entry: only that one is written
  const fresh = await ctx.statusLists.reserve(centre!.id);
  const again = [issuanceOn(slots[0]!, 'taken'), issuanceOn(fresh, 'fresh')];
  t.equal(await insertIssuedCredentials(db, again), 1, 'a taken entry skips its credential, not the others');
  t.equal(await allocated(), before + 3 + (fresh.listId === listId ? 1 : 0));
});
