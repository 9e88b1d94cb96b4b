import { and, count, eq, like } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, credentials, deliveries } from '../../../src/db/schema/index.js';
import { listCentreAuthorisations } from '../../../src/modules/authorisations/repository.js';
import { revokeAuthorisation } from '../../../src/modules/authorisations/service.js';
import { findCentreBySlug } from '../../../src/modules/centres/repository.js';
import { workBatchRows } from '../../../src/modules/batches/service.js';
import { createSigningPool } from '../../../src/vc/signing-pool.js';
import { build, demoToken, firstAchievementId } from '../../helper.js';

// The batch-rows job's way out when the database refuses a group's transaction: what changed between the upload
// and the job (a learner id issued meanwhile, an authorisation withdrawn) is found out row by row, each row
// recording its own outcome, and nothing of the refused group is left half-written. No worker runs in this
// process (JOBS_IN_PROCESS=false): the test works the job itself once it has changed the world under it.

const testApp = await build(t, { JOBS_IN_PROCESS: 'false' });
const { app } = testApp;
const token = await demoToken(testApp, 'credentials:issue credentials:read');
const auth = { authorization: `Bearer ${token}` };
const courseId = await firstAchievementId(app);
const signer = createSigningPool({ threads: 0 });
t.teardown(() => signer.close());
// More rows than the first two groups (16, then 32) together, so that a refused group sits between stored ones.
const ROWS = 60;

async function upload(prefix: string) {
  const rows = Array.from({ length: ROWS }, (_, i) => ({ name: `Learner ${prefix} ${i + 1}`, email: `learner${i + 1}@example.org`, achievementId: courseId, externalId: `${prefix}-${i + 1}` }));
  const response = await app.inject({ method: 'POST', url: '/api/v1/batches?deliver=true', headers: auth, payload: { rows } });
  if (response.statusCode !== 202) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  return response.json().batchId as string;
}

const work = (batchId: string) => workBatchRows({ ctx: app.ctx, signer, batchId, fromRow: 1, toRow: ROWS });
const batchView = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}`, headers: auth })).json();
const results = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/batches/${id}/results?format=json`, headers: auth })).json().items as Record<string, string | number | null>[];
const credentialsLike = async (prefix: string) => Number((await app.ctx.db.select({ n: count() }).from(credentials).where(like(credentials.externalId, `${prefix}-%`)))[0]!.n);

t.test('a learner id issued between the upload and the job: that row is found issued, the others of its group are issued', async (t) => {
  const batchId = await upload('MEANWHILE');
  // row 40 is in the second group (rows 17 to 48): its learner id is issued by a single issuance first
  const single = await app.inject({ method: 'POST', url: '/api/v1/credentials', headers: auth, payload: { achievementId: courseId, recipient: { name: 'Learner MEANWHILE 40' }, externalId: 'MEANWHILE-40' } });
  t.equal(single.statusCode, 201, single.body);
  const existingId = single.json().id as string;

  await work(batchId);
  const batch = await batchView(batchId);
  t.equal(batch.state, 'completed', 'a row found issued is not an error');
  t.same(batch.totals, { rows: ROWS, pending: 0, issued: ROWS - 1, alreadyIssued: 1, failed: 0, cancelled: 0 });
  const items = await results(batchId);
  const taken = items.find((item) => item.externalId === 'MEANWHILE-40')!;
  t.match(taken, { state: 'existing', credentialId: existingId }, 'the row names the credential its learner id already has');
  t.same(items.filter((item) => item.state === 'issued').length, ROWS - 1);
  t.equal(new Set(items.map((item) => item.credentialId)).size, ROWS, 'every row has its own credential');
  t.equal(await credentialsLike('MEANWHILE'), ROWS, 'one credential per learner id: nothing issued twice');
  const entries = await app.ctx.db.selectDistinct({ list: credentials.statusListId, index: credentials.statusListIndex }).from(credentials).where(like(credentials.externalId, 'MEANWHILE-%'));
  t.equal(entries.length, ROWS, 'each with its own status-list entry');

  const mailed = await app.ctx.db.select({ credentialId: deliveries.credentialId }).from(deliveries).innerJoin(credentials, eq(credentials.id, deliveries.credentialId)).where(like(credentials.externalId, 'MEANWHILE-%'));
  t.equal(mailed.length, ROWS - 1, 'an e-mail queued for each new credential');
  t.notOk(mailed.some(({ credentialId }) => credentialId === existingId), 'none for the credential issued before (its issuer did not ask)');
  const issuedEvents = await app.ctx.db
    .select({ n: count() })
    .from(auditEvents)
    .innerJoin(credentials, eq(credentials.id, auditEvents.credentialId))
    .where(and(eq(auditEvents.action, 'credential.issued'), like(credentials.externalId, 'MEANWHILE-%')));
  t.equal(Number(issuedEvents[0]!.n), ROWS, 'one credential.issued event per credential (the batch\'s and the single issuance\'s)');
  for (const item of [items[0]!, items.find((item) => item.row === 48)!, items.at(-1)!]) {
    const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: item.credentialId } })).json();
    t.equal(report.verdict, 'valid', `row ${item.row}'s credential verifies`);
  }
});

t.test('an authorisation withdrawn between the upload and the job: every row fails saying so, nothing is written', async (t) => {
  const batchId = await upload('WITHDRAWN');
  const centre = (await findCentreBySlug(app.ctx.db, 'egypt-demo'))!;
  const [authorisation] = (await listCentreAuthorisations(app.ctx.db, centre.id)).filter((row) => row.achievementId === courseId && !row.revokedAt);
  await revokeAuthorisation({ ctx: app.ctx, actor: { kind: 'system', clientUuid: null, staffId: null }, id: authorisation!.id, reason: 'test: withdrawn while a batch waits' });

  await work(batchId);
  const batch = await batchView(batchId);
  t.equal(batch.state, 'completed-with-errors');
  t.same(batch.totals, { rows: ROWS, pending: 0, issued: 0, alreadyIssued: 0, failed: ROWS, cancelled: 0 });
  const items = await results(batchId);
  t.ok(
    items.every((item) => item.errorCode === 'course-not-authorised' && item.credentialId === null),
    'each row says the centre may no longer certify the course',
  );
  t.match(items[0]!.error, /not authori[sz]ed/i, 'in words');
  t.equal(await credentialsLike('WITHDRAWN'), 0, 'no credential was written');
  const mailed = await app.ctx.db.select({ n: count() }).from(deliveries).where(eq(deliveries.centreId, centre.id));
  t.equal(Number(mailed[0]!.n), ROWS - 1, 'no e-mail was queued beyond the first test\'s');
});
