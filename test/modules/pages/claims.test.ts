import t, { type Test } from 'tap';
import type { Language } from '../../../src/lib/i18n.js';
import { DEMO_CENTRE } from '../../../src/modules/demo/data.js';
import { catalogues as checkCatalogues } from '../../../src/modules/verification/messages.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { adminToken, createCentreWithClient, issue } from '../../helper.js';
import { assertPage, browser, definition, elements, innerOf, issuedFrom, LANGUAGES, metaContent, pageApp, readPage, textOf, urlencoded } from './page-support.js';

// A document whose signature does not verify: the report judges none of its claims (issuer, authorisation, status,
// validity are "not checked"), and the pages show its contents only as what it claims: under a marked heading, no
// name in large type, no "recognised by", no links out of it, no preview naming anyone.

const p = await pageApp(t);
const { app } = p;
const platformName = app.ctx.config.platform.name;
const amina = await p.issueFor('Amina El-Sayed', { narrative: 'Designed a unit on AI feedback.', evidence: [{ url: 'https://portfolio.example/amina', name: 'Portfolio' }] });
const forged = amina.bytes.replace('"Amina El-Sayed"', '"Mallory Forger"');

const NOT_CHECKED = [
  ['issuer', 'issuer.not-checked'],
  ['authorised', 'course.not-checked'],
  ['status', 'status.not-checked'],
  ['validity', 'validity.not-checked'],
] as const;

const postJson = (json: string, language: Language) => {
  const form = urlencoded({ json });
  return app.inject({ method: 'POST', url: `/verify?lang=${language}`, payload: form.payload, headers: browser(form.headers) });
};

/** What a page of a document that failed its signature must and must not show, in `language`. */
function assertClaimsView(t: Test, body: string, language: Language, recipient: string) {
  const text = pageCatalogues[language];
  const page = readPage(body);
  t.equal(page.lang, language, `${language}: the page language`);
  t.match(body, /<section class="claims" aria-labelledby="details"><h2 id="details">/, `${language}: the contents in a marked section`);
  t.equal(textOf(innerOf(body, 'h2', { name: 'id', value: 'details' }) ?? ''), text.credential.claimsHeading, `${language}: headed as claims`);
  t.ok(page.text.includes(text.credential.claimsNote), `${language}: the warning that none of it can be relied on`);
  t.equal(definition(body, text.credential.recipient), recipient, `${language}: the claimed name is shown, as a claim`);
  t.notMatch(body, /class="name"/, `${language}: no name in large type`);
  t.notOk(page.text.includes(text.credential.recognisedBy({ platformName })), `${language}: no "recognised by"`);
  t.notOk(textOf(innerOf(body, 'main') ?? '').includes(platformName), `${language}: the platform is not named anywhere in the report (only in the site's footer)`);
  t.notOk(elements(body, 'a').some((a) => a.href?.startsWith('https://portfolio.example')), `${language}: no link out of the document`);
  t.ok(page.text.includes('https://portfolio.example/amina'), `${language}: its evidence address shown as text`);
  t.equal(page.checks[0]?.status, 'failed', `${language}: the signature failed`);
  t.same(
    page.checks.slice(1, 5).map((check) => [check.status, check.outcome]),
    NOT_CHECKED.map(() => ['unknown', text.checks.notChecked]),
    `${language}: issuer, authorisation, status and validity marked "not checked"`,
  );
  t.same(
    page.checks.slice(1, 5).map((check) => check.message),
    NOT_CHECKED.map(([, code]) => checkCatalogues[language][code]({})),
    `${language}: each saying why`,
  );
  t.notOk(page.checks.some((check, index) => index > 0 && index < 5 && check.status === 'passed'), `${language}: none passed`);
  return page;
}

t.test('the API report: after a failed signature the claims are not checked', async (t) => {
  const response = await app.inject({ method: 'POST', url: '/api/v1/verify?lang=fr', payload: { verifiableCredential: JSON.parse(forged) } });
  t.equal(response.statusCode, 200);
  const report = response.json() as { verdict: string; verified: boolean; checks: { check: string; status: string; code: string; message: string }[] };
  t.equal(report.verdict, 'invalid');
  t.equal(report.verified, false);
  t.same(
    report.checks.map((check) => [check.check, check.status, check.code]),
    [['proof', 'failed', 'proof.invalid'], ...NOT_CHECKED.map(([check, code]) => [check, 'unknown', code]), ['schema', 'passed', 'schema.ob3']],
  );
  t.equal(report.checks[1]?.message, checkCatalogues.fr['issuer.not-checked']({}), 'messages in the language asked for');

  const untouched = (await app.inject({ method: 'POST', url: '/api/v1/verify', payload: { verifiableCredential: amina.credential } })).json();
  t.equal(untouched.verdict, 'valid', 'the original still verifies: every check made');
  t.notOk(untouched.checks.some((check: { code: string }) => check.code.endsWith('.not-checked')));
});

t.test('a tampered credential pasted into /verify, in every language', async (t) => {
  for (const language of LANGUAGES) {
    const response = await postJson(forged, language);
    assertPage(t, response, 200, language);
    const page = assertClaimsView(t, response.body, language, 'Mallory Forger');
    t.equal(page.h1, pageCatalogues[language].verdicts.invalid.title, `${language}: the invalid verdict`);
    t.equal(definition(response.body, pageCatalogues[language].credential.issuer), DEMO_CENTRE.name.en, `${language}: the issuer as the document writes it, nothing under it`);
    if (language !== 'en') t.notOk(page.text.includes(DEMO_CENTRE.name[language]), `${language}: no catalogue name lent to a forgery`);
  }
});

t.test('an unsigned copy (no proof at all) reads as claims too', async (t) => {
  const { proof: _proof, ...unsigned } = structuredClone(amina.credential);
  const response = await postJson(JSON.stringify(unsigned), 'en');
  assertPage(t, response, 200, 'unsigned');
  const page = assertClaimsView(t, response.body, 'en', 'Amina El-Sayed');
  t.equal(page.checks[0]?.message, checkCatalogues.en['proof.missing']({}));
});

t.test('the page of a stored credential whose signing key was withdrawn as compromised', async (t) => {
  const centre = await createCentreWithClient(p, { slug: 'claims-test' });
  const issued = await issue(app, centre.token, { achievementId: p.achievementId, recipient: { name: 'Bilal Khan' }, evidence: [{ url: 'https://portfolio.example/amina', name: 'Work' }] });
  t.equal(issued.statusCode, 201, issued.body.slice(0, 200));
  const bilal = await issuedFrom(app, centre.token, issued.body);
  const before = await p.get(`/credentials/${bilal.id}`, browser());
  t.match(before.body, /<span class="name"><bdi>Bilal Khan<\/bdi><\/span>/, 'before: the name in large type');
  t.ok(metaContent(before.body, 'og:title')?.includes('Bilal Khan'), 'before: the preview names the recipient');

  const proof = Array.isArray(bilal.credential.proof) ? bilal.credential.proof[0] : bilal.credential.proof;
  const compromised = await app.inject({
    method: 'POST',
    url: '/api/v1/centres/claims-test/keys/compromise',
    headers: { authorization: `Bearer ${await adminToken(p)}` },
    payload: { keyId: proof.verificationMethod, reason: 'laptop stolen' },
  });
  t.equal(compromised.statusCode, 200, compromised.body.slice(0, 300));

  for (const language of LANGUAGES) {
    const response = await p.get(`/credentials/${bilal.id}?lang=${language}`, browser());
    assertPage(t, response, 200, language);
    const page = assertClaimsView(t, response.body, language, 'Bilal Khan');
    t.equal(page.checks[0]?.outcome, pageCatalogues[language].checks.outcomes.failed);
    t.equal(page.title, `${pageCatalogues[language].verdicts.invalid.title} · ${pageCatalogues[language].site.name}`, `${language}: the tab names no one`);
    t.equal(metaContent(response.body, 'og:title'), undefined, `${language}: no preview naming the recipient`);
    t.notOk(elements(response.body, 'a').some((a) => a.href?.includes('certificate.pdf')), `${language}: no certificate`);
  }
});
