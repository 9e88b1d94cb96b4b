import { and, eq, inArray } from 'drizzle-orm';
import t from 'tap';
import { achievements, authorisations } from '../../../src/db/schema/index.js';
import { findCentreBySlug } from '../../../src/modules/centres/repository.js';
import { ensureDemoData } from '../../../src/modules/demo/service.js';
import { adminToken, build, demoToken, issue } from '../../helper.js';

// The demo centre is authorised for every demo course, also in an installation made before authorisations
// existed (they are granted on the next start), without duplicates and without undoing an admin's revocation.

const testApp = await build(t);
const { app } = testApp;
const { db } = app.ctx;
const centre = (await findCentreBySlug(db, 'egypt-demo'))!;
const demoCourses = await db.select().from(achievements).where(eq(achievements.isDemo, true));
const demoAuthorisations = () => db.select().from(authorisations).where(eq(authorisations.centreId, centre.id));
const start = () => ensureDemoData({ ctx: app.ctx, log: app.log });

t.test('a fresh installation: one open-ended authorisation per demo course, from the centre\'s creation', async (t) => {
  t.equal(demoCourses.length, 3);
  const rows = await demoAuthorisations();
  t.same(rows.map((row) => row.achievementId).sort(), demoCourses.map((course) => course.id).sort());
  for (const row of rows) {
    t.equal(row.validUntil, null);
    t.equal(row.revokedAt, null);
    t.ok(row.validFrom.getTime() <= centre.createdAt.getTime() + 1, 'valid from the centre\'s creation (credentials it issued before are covered)');
  }
  const token = await demoToken(testApp);
  for (const course of demoCourses) {
    const response = await issue(app, token, { achievementId: course.id, recipient: { name: 'Amina El-Sayed' } });
    t.equal(response.statusCode, 201, `the demo client issues ${course.name.en}`);
  }
});

t.test('each demo course has its version-1 snapshot', async (t) => {
  for (const course of demoCourses) {
    const versions = (await app.inject({ method: 'GET', url: `/achievements/${course.id}/versions` })).json();
    t.match(versions, { currentVersion: 1, versions: [{ version: 1, current: true }] });
  }
});

t.test('restarting grants nothing twice', async (t) => {
  const before = await demoAuthorisations();
  await start();
  await start();
  t.same((await demoAuthorisations()).map((row) => row.id).sort(), before.map((row) => row.id).sort());
});

t.test('an installation from before authorisations gets them on its next start', async (t) => {
  await db.delete(authorisations).where(eq(authorisations.centreId, centre.id));
  const token = await demoToken(testApp);
  const refused = await issue(app, token, { achievementId: demoCourses[0]!.id, recipient: { name: 'Amina El-Sayed' } });
  t.equal(refused.statusCode, 403, 'without them the demo centre cannot issue');
  await start();
  const rows = await demoAuthorisations();
  t.equal(rows.length, demoCourses.length);
  const issued = await issue(app, token, { achievementId: demoCourses[0]!.id, recipient: { name: 'Amina El-Sayed' } });
  t.equal(issued.statusCode, 201, issued.body);
});

t.test('a revocation by an admin survives restarts', async (t) => {
  const admin = await adminToken(testApp);
  const course = demoCourses[1]!;
  const [row] = await db
    .select()
    .from(authorisations)
    .where(and(eq(authorisations.centreId, centre.id), eq(authorisations.achievementId, course.id)));
  const revoked = await app.inject({ method: 'POST', url: `/api/v1/authorisations/${row!.id}/revoke`, headers: { authorization: `Bearer ${admin}` }, payload: { reason: 'withdrawn' } });
  t.equal(revoked.statusCode, 200, revoked.body);
  await start();
  const rows = await db
    .select()
    .from(authorisations)
    .where(and(eq(authorisations.centreId, centre.id), inArray(authorisations.achievementId, [course.id])));
  t.equal(rows.length, 1, 'not granted again');
  t.ok(rows[0]?.revokedAt, 'still revoked');
  const refused = await issue(app, await demoToken(testApp), { achievementId: course.id, recipient: { name: 'Amina El-Sayed' } });
  t.equal(refused.statusCode, 403);
  t.equal(refused.json().type.endsWith('/problems/course-unauthorised'), true);
});
