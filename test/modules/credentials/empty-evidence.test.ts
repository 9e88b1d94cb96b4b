import t from 'tap';
import { build, demoToken, firstAchievementId, issue } from '../../helper.js';

t.test('an empty evidence list issues a credential without evidence, which verifies', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const response = await issue(app, await demoToken(testApp), { achievementId: await firstAchievementId(app), recipient: { name: 'No Evidence' }, evidence: [] });
  t.equal(response.statusCode, 201);
  const { verifiableCredential } = response.json();
  t.notOk('evidence' in verifiableCredential, 'no empty evidence array is signed');
  const report = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential } })).json();
  t.equal(report.verified, true);
  t.equal(report.checks.find((check: { check: string }) => check.check === 'proof').status, 'passed');
});
