import t from 'tap';
import { build, demoToken, firstAchievementId, issue } from '../helper.js';
import { testClock } from '../support/clock.js';

t.test('a centre issues a credential; anyone fetches it by its link and verifies it', async (t) => {
  const testApp = await build(t);
  const { app } = testApp;
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(app);

  const issued = await issue(app, token, {
    achievementId,
    recipient: { name: 'Amina El-Sayed', email: 'amina@example.org' },
    narrative: 'Completed all modules with distinction.',
    evidence: [{ url: 'https://example.org/portfolio/amina', name: 'Portfolio' }],
  });
  t.equal(issued.statusCode, 201, issued.body);
  const body = issued.json();
  t.match(body.id, /^[0-9a-f-]{36}$/);
  t.equal(body.url, `http://localhost:3000/credentials/${body.id}`);
  t.equal(issued.headers.location, body.url);

  const vc = body.verifiableCredential;
  t.same(vc['@context'], ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
  t.same(vc.type, ['VerifiableCredential', 'OpenBadgeCredential']);
  t.equal(vc.id, body.url, 'the credential id is its public URL');
  t.equal(vc.issuer.id, 'did:web:localhost%3A3000:centres:egypt-demo');
  t.same(vc.issuer.type, ['Profile']);
  t.same(vc.credentialSubject.identifier, [{ type: 'IdentityObject', identityHash: 'Amina El-Sayed', identityType: 'name', hashed: false }]);
  t.equal(vc.credentialSubject.achievement.id, `http://localhost:3000/achievements/${achievementId}`);
  t.equal(vc.credentialSubject.achievement.inLanguage, 'en');
  t.equal(vc.credentialSubject.narrative, 'Completed all modules with distinction.');
  t.same(vc.evidence, [{ id: 'https://example.org/portfolio/amina', type: ['Evidence'], name: 'Portfolio' }]);
  t.notOk(JSON.stringify(vc).includes('amina@example.org'), 'the email never enters the credential');
  t.ok(Array.isArray(vc.proof) && vc.proof.length === 1, 'proof is a one-element array, as the OB 3.0 JSON Schema requires');
  t.equal(vc.proof[0].type, 'DataIntegrityProof');
  t.equal(vc.proof[0].cryptosuite, 'eddsa-rdfc-2022');
  t.equal(vc.proof[0].proofPurpose, 'assertionMethod');
  t.match(vc.proof[0].verificationMethod, /^did:web:localhost%3A3000:centres:egypt-demo#z6Mk/);

  for (const accept of ['application/json', 'application/vc', '*/*']) {
    const fetched = await app.inject({ method: 'GET', url: `/credentials/${body.id}`, headers: { accept } });
    t.equal(fetched.statusCode, 200, accept);
    t.same(JSON.parse(fetched.body), vc, `served as issued for ${accept}`);
    t.match(fetched.headers['content-type'], accept === 'application/vc' ? /^application\/vc/ : /^application\/json/);
  }
  const etag = (await app.inject({ method: 'GET', url: `/credentials/${body.id}` })).headers.etag as string;
  const revalidated = await app.inject({ method: 'GET', url: `/credentials/${body.id}`, headers: { 'if-none-match': etag } });
  t.equal(revalidated.statusCode, 304);

  for (const payload of [{ verifiableCredential: vc }, { url: body.url }, { id: body.id }]) {
    const verified = await app.inject({ method: 'POST', url: '/api/v1/verify', payload });
    t.equal(verified.statusCode, 200);
    const report = verified.json();
    t.equal(report.verified, true, JSON.stringify(report.checks));
    t.equal(report.verdict, 'valid');
    t.same(
      report.checks.map((check: { check: string; status: string; code: string }) => [check.check, check.status, check.code]),
      [
        ['proof', 'passed', 'proof.valid'],
        ['issuer', 'passed', 'issuer.recognised'],
        ['authorised', 'passed', 'course.authorised'],
        ['status', 'passed', 'status.active'],
        ['validity', 'passed', 'validity.current'],
        ['schema', 'passed', 'schema.ob3'],
      ],
    );
    t.equal(report.credential.recipient, 'Amina El-Sayed');
    t.equal(report.credential.issuer.name, 'IIOE Egypt National Centre (demo)');
  }
});

t.test('credentials are issued in the requested language, else the centre default', async (t) => {
  const testApp = await build(t);
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(testApp.app);
  const arabic = await issue(testApp.app, token, { achievementId, recipient: { name: 'أمينة السيد' }, language: 'ar' });
  t.equal(arabic.statusCode, 201);
  const vc = arabic.json().verifiableCredential;
  t.equal(vc.credentialSubject.achievement.inLanguage, 'ar');
  t.match(vc.name, /الاصطناعي التوليدي/);
  t.match(vc.issuer.name, /مصر/);
  const report = (await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: vc } })).json();
  t.equal(report.verdict, 'valid');

  const courses = (await testApp.app.inject({ method: 'GET', url: '/achievements' })).json().items;
  const withoutChinese = courses.find((course: { languages: string[] }) => !course.languages.includes('zh'));
  const refused = await issue(testApp.app, token, { achievementId: withoutChinese.id, recipient: { name: 'Li Wei' }, language: 'zh' });
  t.equal(refused.statusCode, 422);
  t.match(refused.json().detail, /no texts in "zh"/);
});

t.test('expired and not-yet-valid credentials are reported as such', async (t) => {
  const clock = testClock();
  const testApp = await build(t, {}, { clock });
  const token = await demoToken(testApp);
  const achievementId = await firstAchievementId(testApp.app);
  const future = await issue(testApp.app, token, { achievementId, recipient: { name: 'Future Person' }, validFrom: '2099-01-01T00:00:00Z' });
  t.equal(future.statusCode, 201);
  const futureReport = (await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: future.json().id } })).json();
  t.equal(futureReport.verdict, 'not-yet-valid');
  t.equal(futureReport.verified, false);
  t.match(futureReport.checks.find((c: { check: string }) => c.check === 'proof'), { status: 'passed' }, 'the signature itself is fine');

  const shortLived = await issue(testApp.app, token, {
    achievementId,
    recipient: { name: 'Short Lived' },
    validFrom: '2020-01-01T00:00:00Z',
    validUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
  });
  t.equal(shortLived.statusCode, 201);
  const verdictNow = async () => (await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: shortLived.json().id } })).json().verdict;
  t.equal(await verdictNow(), 'valid', 'valid until its validUntil');
  clock.advancePast(shortLived.json().verifiableCredential.validUntil);
  const expired = (await testApp.app.inject({ method: 'POST', url: '/api/v1/verify', payload: { id: shortLived.json().id } })).json();
  t.equal(expired.verdict, 'expired');
  t.match(expired.checks.find((c: { check: string }) => c.check === 'validity'), { status: 'failed', code: 'validity.expired' });
});
