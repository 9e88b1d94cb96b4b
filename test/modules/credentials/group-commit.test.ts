import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, centres, credentials } from '../../../src/db/schema/index.js';
import { actorColumns } from '../../../src/modules/audit/service.js';
import { groupCommitter } from '../../../src/modules/credentials/group-commit.js';
import type { IssuedCredentialInsert } from '../../../src/modules/credentials/repository.js';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';
import { unsignedCredentialRow } from '../../support/credential-rows.js';

const SYSTEM = actorColumns({ kind: 'system', clientUuid: null, staffId: null });

/** `count` unsigned-document credentials of the demo centre, each on its own fresh status entry. */
async function issuances(testApp: Awaited<ReturnType<typeof build>>, count: number): Promise<IssuedCredentialInsert[]> {
  const { ctx } = testApp.app;
  const [centre] = await ctx.db.select().from(centres).limit(1);
  const key = await ctx.keys.ensureActiveKey({ centreId: centre!.id, purpose: 'assertion' });
  const achievementId = await firstAchievementId(testApp.app);
  const rows: IssuedCredentialInsert[] = [];
  for (let i = 0; i < count; i++) {
    const slot = await ctx.statusLists.reserve(centre!.id);
    rows.push({
      credential: unsignedCredentialRow({ centreId: centre!.id, achievementId, signingKeyId: key.id, slot, recipientName: `Learner ${i}` }),
      audit: { actor: SYSTEM, details: { row: i } },
      conditions: { authorisedAt: new Date(), listCapacity: slot.capacity },
    });
  }
  return rows;
}

t.test('credentials stored together share a statement; those stored while it runs go together in the next', async (t) => {
  const testApp = await build(t);
  const { db } = testApp.app.ctx;
  const rows = await issuances(testApp, 12);
  const committer = groupCommitter(db);
  const first = committer.store(rows[0]!);
  // one turn of the event loop later the first statement is running
  await new Promise((resolve) => setImmediate(resolve));
  const written = [await first, ...(await Promise.all(rows.slice(1).map((row) => committer.store(row))))];
  t.same(written, rows.map(() => true), 'every credential written');
  const ids = rows.map((row) => row.credential.id);
  const events = await db.select().from(auditEvents).where(inArray(auditEvents.credentialId, ids));
  t.equal(events.length, 12, 'one audit event each');
  // now() is the statement's transaction time: one value per statement that wrote them
  const statements = new Set(events.map((event) => event.createdAt.getTime()));
  t.equal(statements.size, 2, 'the first went alone, the eleven that arrived meanwhile in one statement');

  const more = await issuances(testApp, 5);
  t.same(await Promise.all(more.map((row) => committer.store(row))), more.map(() => true));
  const moreEvents = await db.select().from(auditEvents).where(inArray(auditEvents.credentialId, more.map((row) => row.credential.id)));
  t.equal(new Set(moreEvents.map((event) => event.createdAt.getTime())).size, 1, 'five stored in one turn: one statement');
  t.same(new Set(events.map((event) => (event.details as { row: number }).row)).size, 12, 'each event is its own credential\'s');
});

t.test('one credential skipped by its condition, or failing outright, costs the others nothing', async (t) => {
  const testApp = await build(t);
  const { db } = testApp.app.ctx;
  const [first, skipped, failing, ...rest] = await issuances(testApp, 6);
  // no authorisation in force at that time: the statement skips it alone
  skipped!.conditions = { ...skipped!.conditions, authorisedAt: new Date('2000-01-01T00:00:00Z') };
  // a signing key that does not exist: the foreign key fails the whole statement it is in
  failing!.credential = { ...failing!.credential, signingKeyId: randomUUID() };
  const committer = groupCommitter(db);
  const outcomes = await Promise.allSettled([first!, skipped!, failing!, ...rest].map((row) => committer.store(row)));
  t.same(
    outcomes.map((outcome) => outcome.status === 'fulfilled' ? outcome.value : 'error'),
    [true, false, 'error', true, true, true],
    'written, skipped (false), the failure reported to its own caller only, the rest written',
  );
  const stored = await db.select({ id: credentials.id }).from(credentials).where(inArray(credentials.id, [first, skipped, failing, ...rest].map((row) => row!.credential.id)));
  t.same(new Set(stored.map((row) => row.id)), new Set([first, ...rest].map((row) => row!.credential.id)), 'exactly the four written are stored');
  const [failedEvent] = await db.select().from(auditEvents).where(eq(auditEvents.credentialId, failing!.credential.id));
  t.equal(failedEvent, undefined, 'no audit event without its credential');
});

t.test('concurrent HTTP issuances each get their own credential, entry and event', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);
  const responses = await Promise.all(Array.from({ length: 24 }, (_, i) => issue(app, token, { achievementId, recipient: { name: `Concurrent ${i}` } })));
  t.same(responses.map((response) => response.statusCode), responses.map(() => 201));
  const ids = responses.map((response) => response.json().id as string);
  t.equal(new Set(ids).size, 24);
  const rows = await app.ctx.db.select().from(credentials).where(inArray(credentials.id, ids));
  t.equal(new Set(rows.map((row) => `${row.statusListId}#${row.statusListIndex}`)).size, 24, 'no status entry held twice');
  t.same(new Set(rows.map((row) => row.recipientName)), new Set(responses.map((_, i) => `Concurrent ${i}`)), 'each learner\'s own credential');
  const events = await app.ctx.db.select().from(auditEvents).where(inArray(auditEvents.credentialId, ids));
  t.equal(events.length, 24);
  for (const response of responses.slice(0, 3)) {
    const { verifiableCredential } = response.json();
    const verified = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential } });
    t.equal(verified.json().verified, true, 'a credential stored in a group verifies');
  }
});
