import type { Page, Response } from 'playwright-core';
import t from 'tap';
import type { Language } from '../../src/lib/i18n.js';
import { pageCatalogues } from '../../src/web/messages/index.js';
import { axeViolations, saveScreenshot } from '../support/browser.js';
import { act, secondsAhead, sleep } from '../support/lifecycle.js';
import { onOrigin, pageFixture, verdictOf, verdictTitle } from './page-fixtures.js';

// What a reader sees in a real Chromium for every state a credential can be in (revoked, suspended, expired,
// superseded, tampered), and the verify page driven as a person would: pasting JSON, uploading the file, typing a
// code sloppily or wrongly. axe-core on the verify page, its error state and a result.

const started = Date.now();
const fx = await pageFixture(t);
// expires a few seconds from now: by the time the other pages are checked it has (waited for if not)
const expiresAt = secondsAhead(2500);
const [expiring, revoked, suspended, corrected, pasted] = await Promise.all([
  fx.issueCredential('Nour Adel', { validUntil: expiresAt }),
  fx.issueCredential('Karim Mansour'),
  fx.issueCredential('Layla Hassan'),
  fx.issueCredential('Youssef Hamdi'),
  fx.issueCredential('Amina El-Sayed', { narrative: 'Built a course unit on generative AI in higher education.' }),
]);
const changes = await Promise.all([
  act(fx.app, fx.token, revoked.id, 'revoke', { reason: 'Plagiarism confirmed' }),
  act(fx.app, fx.token, suspended.id, 'suspend', { reason: 'Exam appeal pending' }),
  act(fx.app, fx.token, corrected.id, 'reissue', { changes: { recipient: { name: 'Youssef Hamdy' } }, reason: 'Name misspelt' }),
]);
for (const change of changes) if (change.statusCode >= 300) throw new Error(`lifecycle change failed: ${change.statusCode} ${change.body}`);
const current = changes[2]!.json() as { id: string; url: string };
t.teardown(() => t.comment(`file ran in ${Date.now() - started} ms`));

// src/web/credential-page.ts:59 `row` drops a value only when it is null or '': on a verify result (no links)
// `links?.shortCode` and `links?.supersedes` are undefined, so their labels are shown with empty values
// src/web/credential-page.ts detailsSection: the course description and criteria are not isolated like the names

/** Clicks the submit button of the form holding `field` and returns the answer to the POST (after redirects, the page's). */
async function submit(page: Page, field: string): Promise<Response> {
  const posted = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/verify');
  await page.locator(`form:has(${field}) button[type="submit"]`).click();
  const answer = await posted;
  await page.waitForLoadState('load');
  return answer;
}

t.test('revoked and suspended credentials show their verdict', async (t) => {
  for (const [issued, verdict] of [
    [revoked, 'revoked'],
    [suspended, 'suspended'],
  ] as const) {
    for (const language of ['en', 'ar'] as Language[]) {
      const { page, response, problems } = await fx.open(t, `/credentials/${issued.id}?lang=${language}`, { javaScript: false });
      t.equal(response.status(), 200);
      t.equal(await verdictOf(page), verdictTitle(language, verdict), `${verdict} in ${language}`);
      t.equal(await page.locator('.verdict').getAttribute('class'), 'verdict bad');
      t.equal((await page.locator('.name').textContent())?.trim(), issued.recipient);
      t.equal(await page.locator('.checks li.failed strong').allTextContents().then((names) => names.join()), pageCatalogues[language].checks.names.status, 'only the status check failed');
      t.same(problems, []);
      if (language === 'en') await saveScreenshot(page, `credential-${verdict}-en`);
    }
  }
});

t.test('a superseded credential shows it and links to the current one, which is valid', async (t) => {
  const { page, response, problems } = await fx.open(t, `/credentials/${corrected.id}?lang=en`, { javaScript: true });
  t.equal(response.status(), 200);
  t.equal(await verdictOf(page), verdictTitle('en', 'superseded'));
  t.equal((await page.locator('.name').textContent())?.trim(), 'Youssef Hamdi', 'the old credential keeps its old name');
  const link = page.locator('section.verdict a');
  t.equal(await link.textContent(), pageCatalogues.en.credential.supersededBy);
  const href = (await link.getAttribute('href')) ?? '';
  t.equal(href, current.url, 'it links to the current credential');
  await saveScreenshot(page, 'credential-superseded-en');

  // the link names publicBaseUrl (localhost:3000): the same path on the listening origin
  const followed = await page.goto(onOrigin(href, fx.base));
  t.equal(followed?.status(), 200);
  t.equal(new URL(page.url()).pathname, `/credentials/${current.id}`);
  t.equal(await verdictOf(page), verdictTitle('en', 'valid'), 'the current credential is valid');
  t.equal((await page.locator('.name').textContent())?.trim(), 'Youssef Hamdy', 'with the corrected name');
  t.equal(await page.locator('dd a').getAttribute('href'), corrected.url, 'and says which one it replaces');
  t.same(problems, []);
});

t.test('a tampered credential pasted on the verify page is invalid; the untouched one uploaded as a file is valid', async (t) => {
  const { page, response, problems } = await fx.open(t, '/verify?lang=en', { javaScript: false });
  t.equal(response.status(), 200);
  t.same(await axeViolations(page), [], 'axe on the verify page');

  // one character of the recipient's name changed, everywhere the name is written
  t.ok(pasted.json.includes('Amina El-Sayed'), 'the signed JSON names the recipient');
  const tampered = pasted.json.replaceAll('Amina El-Sayed', 'Amina El-Sayid');
  t.not(tampered, pasted.json);
  t.equal(tampered.length, pasted.json.length, 'a character replaced, nothing added or removed');
  t.ok(JSON.parse(tampered), 'still well-formed JSON');
  await page.locator('#json').fill(tampered);
  const answer = await submit(page, '#json');
  t.equal(answer.status(), 200, 'the report is a page');
  t.equal(await verdictOf(page), verdictTitle('en', 'invalid'), 'invalid: altered');
  t.equal(await page.locator('.verdict').getAttribute('class'), 'verdict bad');
  // what the altered copy says is shown only as its claims: under a marked heading, no name in large type
  t.equal(await page.locator('.name').count(), 0, 'no name in large type');
  t.equal((await page.locator('section.claims h2').textContent())?.trim(), pageCatalogues.en.credential.claimsHeading);
  t.ok((await page.locator('section.claims').textContent())?.includes('Amina El-Sayid'), 'the report shows what was submitted, as a claim');
  t.equal(await page.locator('.checks li.failed strong').first().textContent(), pageCatalogues.en.checks.names.proof, 'the signature check failed');
  t.same(await page.locator('.checks li.unknown .mark').allTextContents(), Array(4).fill(pageCatalogues.en.checks.notChecked), 'the claims not checked');
  t.equal(await page.locator('a.linkedin').count(), 0);
  const rows = await page.evaluate(`[...document.querySelectorAll('dl dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent.trim()])`) as [string, string][];
  t.same(rows.filter(([, value]) => value === ''), [], 'no labelled row without a value');
  t.same(await axeViolations(page), [], 'axe on the result page');
  await saveScreenshot(page, 'verify-tampered-en');

  // the result page offers the forms again: upload the untouched file there, in Arabic
  await page.goto(`${fx.base}/verify?lang=ar`);
  await page.locator('#file').setInputFiles({ name: 'credential.json', mimeType: 'application/json', buffer: Buffer.from(pasted.json) });
  const uploaded = await submit(page, '#file');
  t.equal(uploaded.status(), 200);
  t.equal(await verdictOf(page), verdictTitle('ar', 'valid'), 'the uploaded file is valid');
  t.equal((await page.locator('.name').textContent())?.trim(), 'Amina El-Sayed');
  t.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  // the course reads in Arabic (the catalogue's texts); the learner's English narrative stays as written, and on an
  // Arabic page its full stop belongs after its last word
  const description = await page.locator(`dt:text-is("${pageCatalogues.ar.credential.description}") + dd`).textContent();
  t.match(description, /\p{Script=Arabic}/u, 'the course description in Arabic, from the catalogue');
  const stop = (await page.evaluate(`(() => {
    const dt = [...document.querySelectorAll('dl dt')].find((d) => d.textContent === ${JSON.stringify(pageCatalogues.ar.credential.narrative)});
    const value = dt.nextElementSibling;
    const text = (value.querySelector('bdi') ?? value).firstChild;
    const box = (index) => { const range = document.createRange(); range.setStart(text, index); range.setEnd(text, index + 1); return range.getBoundingClientRect(); };
    const last = text.textContent.length - 1;
    const [stop, before] = [box(last), box(last - 1)];
    return { text: text.textContent, stop: stop.left, before: before.left, sameLine: Math.abs(stop.top - before.top) < 2 };
  })()`)) as { text: string; stop: number; before: number; sameLine: boolean };
  t.match(stop.text, /education\.$/, 'the English narrative');
  t.ok(stop.sameLine && stop.stop > stop.before, `its final "." is drawn right after "education" (. at ${stop.stop}, n at ${stop.before}, same line ${stop.sameLine})`);
  t.same(await axeViolations(page), [], 'axe on the Arabic result page');
  await saveScreenshot(page, 'verify-uploaded-ar');
  t.same(problems, []);
});

t.test('a code typed sloppily opens the credential', async (t) => {
  const { page, problems } = await fx.open(t, '/verify?lang=en', { javaScript: true });
  const sloppy = ` ${pasted.shortCode.toLowerCase().replaceAll('-', ' ')} `;
  await page.locator('#code').pressSequentially(sloppy);
  const answer = await submit(page, '#code');
  t.equal(answer.status(), 303, 'redirected');
  t.equal(new URL(page.url()).pathname, `/credentials/${pasted.id}`, 'lands on the credential page');
  t.equal(await verdictOf(page), verdictTitle('en', 'valid'));
  t.equal((await page.locator('.code').textContent())?.trim(), pasted.shortCode);
  t.same(problems, []);
});

t.test('a mistyped code: the localised "check the code" message, 422, the typed value kept', async (t) => {
  // one character of the random part changed: the check character catches it
  const position = 3;
  const original = pasted.shortCode[position]!;
  const typo = `${pasted.shortCode.slice(0, position)}${original === '7' ? '8' : '7'}${pasted.shortCode.slice(position + 1)}`;
  for (const language of ['en', 'ar', 'fr', 'zh'] as Language[]) {
    await t.test(language, async (t) => {
      const { page, response, problems } = await fx.open(t, `/verify?lang=${language}`, { javaScript: language !== 'fr' });
      t.equal(response.status(), 200);
      t.equal(await page.locator('h1').textContent(), pageCatalogues[language].verify.title);
      if (language === 'en' || language === 'ar') t.same(await axeViolations(page), [], 'axe on the verify page');
      await page.locator('#code').fill(typo);
      const answer = await submit(page, '#code');
      t.equal(answer.status(), 422);
      t.equal(new URL(page.url()).pathname, '/verify', 'stays on the verify page');
      const error = page.locator('section.error[role="alert"]');
      t.ok(await error.isVisible(), 'the error is shown');
      t.equal(await page.locator('#problem').textContent(), pageCatalogues[language].errors.title);
      t.equal(await page.locator('#problem-text').textContent(), pageCatalogues[language].errors.codeCheck({ code: typo }), 'the localised check-the-code message');
      t.equal(await page.locator('#code').inputValue(), typo, 'the typed value is kept');
      t.match(await page.locator('#code').getAttribute('aria-describedby'), /\bproblem-text\b/, 'the field is described by the error');
      const [errorBox, field] = [await error.boundingBox(), await page.locator('#code').boundingBox()];
      t.ok(errorBox && field && errorBox.y + errorBox.height <= field.y, 'the error comes before the field');
      t.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
      if (language === 'en' || language === 'ar') {
        t.same(await axeViolations(page), [], 'axe on the error state');
        await saveScreenshot(page, `verify-error-${language}`);
      }
      t.same(problems, []);
    });
  }
});

t.test('an expired credential shows it (validUntil really passed)', async (t) => {
  const wait = Date.parse(expiresAt) - Date.now() + 200;
  if (wait > 0) await sleep(wait);
  for (const language of ['en', 'zh'] as Language[]) {
    const { page, response, problems } = await fx.open(t, `/credentials/${expiring.id}?lang=${language}`, { javaScript: true });
    t.equal(response.status(), 200);
    t.equal(await verdictOf(page), verdictTitle(language, 'expired'), `expired in ${language}`);
    t.equal((await page.locator('.name').textContent())?.trim(), expiring.recipient);
    t.equal(await page.locator('.checks li.failed strong').allTextContents().then((names) => names.join()), pageCatalogues[language].checks.names.validity, 'only the validity check failed');
    const certificate = page.locator('a.button.primary');
    t.equal(await certificate.textContent(), pageCatalogues[language].actions.downloadPdf, 'an expired credential still offers its certificate');
    const pdf = await page.request.get(new URL((await certificate.getAttribute('href')) ?? '', fx.base).href);
    t.equal(pdf.status(), 200, 'and it prints, with its dates');
    t.equal(pdf.headers()['content-type'], 'application/pdf');
    t.same(problems, []);
    if (language === 'en') await saveScreenshot(page, 'credential-expired-en');
  }
});
