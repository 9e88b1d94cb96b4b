import { eq } from 'drizzle-orm';
import t from 'tap';
import { auditEvents, credentials } from '../../../src/db/schema/index.js';
import { stockVerifier } from '../../support/stock-verifier.js';
import { adminToken, BASE_URL, build, demoToken, issue } from '../../helper.js';

// A credential embeds the course as it was when issued: an update makes a new version, and credentials issued
// before it keep (and still verify with) the old content; the credential row records the version.

type Json = Record<string, any>;

const testApp = await build(t);
const { app } = testApp;
const admin = await adminToken(testApp);
const token = await demoToken(testApp);

const course = await app.inject({
  method: 'POST',
  url: '/api/v1/achievements',
  headers: { authorization: `Bearer ${admin}` },
  payload: {
    name: { en: 'Online Assessment Design', fr: 'Conception d\'évaluations en ligne' },
    description: { en: 'Designing fair online assessments.', fr: 'Concevoir des évaluations en ligne équitables.' },
    criteria: { en: 'Designed an assessment, reviewed by a tutor.', fr: 'A conçu une évaluation, revue par un tuteur.' },
    series: 'Assessment',
    level: 'Module',
    hours: 8,
    alignments: [{ targetName: 'Assessment literacy', targetUrl: 'https://competencies.example.org/assessment', targetCode: 'AL-1' }],
  },
});
if (course.statusCode !== 201) throw new Error(course.body);
const { id: courseId, url: courseUrl } = course.json() as { id: string; url: string };
const granted = await app.inject({
  method: 'POST',
  url: '/api/v1/authorisations',
  headers: { authorization: `Bearer ${admin}` },
  payload: { centre: 'egypt-demo', achievementId: courseId },
});
if (granted.statusCode !== 201) throw new Error(granted.body);

// The stock verifier with the contexts from npm and the DID documents and status lists the service publishes.
const stockVerify = (credential: object) => stockVerifier(app).verify(credential);

const issueCourse = async () => {
  const response = await issue(app, token, { achievementId: courseId, recipient: { name: 'Karim Haddad' } });
  if (response.statusCode !== 201) throw new Error(response.body);
  return response.json() as { id: string; verifiableCredential: Json };
};
const storedVersion = async (id: string) =>
  (await app.ctx.db.select({ version: credentials.achievementVersion }).from(credentials).where(eq(credentials.id, id)))[0]?.version;

const before = await issueCourse();

t.test('a credential embeds the version current at issuance, recorded on its row', async (t) => {
  const achievement = before.verifiableCredential.credentialSubject.achievement;
  t.equal(achievement.id, courseUrl);
  t.equal(achievement.version, '1');
  t.equal(achievement.name, 'Online Assessment Design');
  t.same(achievement.alignment, [{ type: ['Alignment'], targetName: 'Assessment literacy', targetUrl: 'https://competencies.example.org/assessment', targetCode: 'AL-1' }]);
  t.equal(await storedVersion(before.id), 1);
  const [event] = await app.ctx.db.select().from(auditEvents).where(eq(auditEvents.credentialId, before.id));
  t.match(event?.details, { achievementId: courseId, achievementVersion: 1 });
  const result = await stockVerify(before.verifiableCredential);
  t.ok(result.verified, 'verifies with the stock library (alignment terms are defined)');
});

t.test('after an update, the earlier credential keeps and verifies the old content', async (t) => {
  const updated = await app.inject({
    method: 'PATCH',
    url: `/api/v1/achievements/${courseId}`,
    headers: { authorization: `Bearer ${admin}` },
    payload: {
      name: { en: 'Online Assessment Design and Feedback', fr: 'Conception d\'évaluations en ligne et rétroaction' },
      criteria: { en: 'Designed an assessment with feedback, reviewed by a tutor.', fr: 'A conçu une évaluation avec rétroaction, revue par un tuteur.' },
      alignments: [],
    },
  });
  t.equal(updated.statusCode, 200, updated.body);
  t.equal(updated.json().version, 2);

  const served = await app.inject({ method: 'GET', url: `/credentials/${before.id}`, headers: { accept: 'application/json' } });
  t.same(served.json(), before.verifiableCredential, 'the stored credential is unchanged');
  const achievement = served.json().credentialSubject.achievement;
  t.equal(achievement.name, 'Online Assessment Design', 'the old name');
  t.equal(achievement.criteria.narrative, 'Designed an assessment, reviewed by a tutor.', 'the old criteria');
  t.equal(achievement.version, '1');

  const { '@context': _context, ...version1 } = (await app.inject({ method: 'GET', url: `/achievements/${courseId}/versions/1?lang=en` })).json();
  t.same(version1, achievement, 'GET /achievements/:id/versions/1 is exactly what the credential embeds');

  t.ok((await stockVerify(served.json())).verified, 'still verifies with the stock library');
  const report = await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: before.id } });
  t.equal(report.statusCode, 200);
  t.equal(report.json().checks.find((check: Json) => check.check === 'proof')?.status, 'passed', 'our verifier: the proof holds');
  t.equal(report.json().credential.achievement, 'Online Assessment Design', 'the report shows the old name');
});

t.test('a credential issued after the update embeds version 2 at once (the issuance cache is cleared)', async (t) => {
  const after = await issueCourse();
  const achievement = after.verifiableCredential.credentialSubject.achievement;
  t.equal(achievement.version, '2');
  t.equal(achievement.name, 'Online Assessment Design and Feedback');
  t.notOk('alignment' in achievement, 'the alignments were removed in version 2');
  t.equal(await storedVersion(after.id), 2);
  t.ok((await stockVerify(after.verifiableCredential)).verified);
  const current = (await app.inject({ method: 'GET', url: `/achievements/${courseId}?lang=en` })).json();
  const { '@context': _context, ...document } = current;
  t.same(document, achievement, 'the current version is what new credentials embed');
});

t.test('French credentials embed the French texts of the version', async (t) => {
  const response = await issue(app, token, { achievementId: courseId, recipient: { name: 'Awa Diop' }, language: 'fr' });
  t.equal(response.statusCode, 201, response.body);
  const achievement = response.json().verifiableCredential.credentialSubject.achievement;
  t.equal(achievement.inLanguage, 'fr');
  t.equal(achievement.name, 'Conception d\'évaluations en ligne et rétroaction');
  t.equal(achievement.version, '2');
  t.equal(`${BASE_URL}/achievements/${courseId}`, achievement.id);
});
