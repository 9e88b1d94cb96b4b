import t from 'tap';
import { LANGUAGES } from '../../src/lib/i18n.js';
import { pageCatalogues } from '../../src/web/messages/index.js';
import { axeViolations, saveScreenshot } from '../support/browser.js';
import { pageFixture, verdictOf, verdictTitle } from './page-fixtures.js';

// In a real Chromium: the home page (four languages, no JavaScript, its code form used as a person would, axe),
// and a credential page with the learner's narrative and evidence (the portfolio link safe and working, axe, a phone).

const started = Date.now();
const fx = await pageFixture(t);
const amina = await fx.issueCredential('Amina El-Sayed', {
  narrative: 'Designed a unit on AI feedback and tested it with 40 students.',
  evidence: [
    { url: 'https://portfolio.example/amina/a-very-long-path-that-must-wrap-on-a-phone-screen-rather-than-overflow', name: 'Teaching portfolio', description: 'Lesson plans and feedback samples' },
    { name: 'تقييم الأقران', description: 'Peer review by two tutors' },
  ],
});
t.teardown(() => t.comment(`file ran in ${Date.now() - started} ms`));

t.test('the home page in every language, and its form', async (t) => {
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const { page, response, problems } = await fx.open(t, `/?lang=${language}`, { javaScript: false });
    t.equal(response.status(), 200, language);
    t.equal((await page.locator('h1').textContent())?.trim(), text.home.title, `${language}: the title`);
    t.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
    t.equal(await page.getByLabel(text.verify.codeLabel).count(), 1, `${language}: the code field, found by its label`);
    t.equal(await page.locator('a[href="/docs"]').textContent(), text.home.apiReference, `${language}: where centres start`);
    t.same(await axeViolations(page), [], `${language}: axe`);
    t.same(problems, [], `${language}: nothing blocked or failed`);
    if (language === 'en' || language === 'ar') await saveScreenshot(page, `home-${language}`);
  }

  // typed as a person reads it off a certificate: lower case, spaces instead of hyphens
  const { page } = await fx.open(t, '/?lang=fr', { javaScript: false });
  await page.getByLabel(pageCatalogues.fr.verify.codeLabel).fill(amina.shortCode.toLowerCase().replaceAll('-', ' '));
  await Promise.all([page.waitForURL(`**/credentials/${amina.id}?lang=fr`), page.locator('form button[type="submit"]').click()]);
  t.equal(await verdictOf(page), verdictTitle('fr', 'valid'), 'the home page\'s form leads to the credential, valid, in French');
});

t.test('the narrative and the evidence on the credential page', async (t) => {
  const { page, problems } = await fx.open(t, `/credentials/${amina.id}?lang=en`, { javaScript: false });
  const text = pageCatalogues.en.credential;
  const row = (label: string) => page.locator(`dt:text-is("${label}") + dd`);
  t.equal((await row(text.narrative).textContent())?.trim(), 'Designed a unit on AI feedback and tested it with 40 students.');
  const link = row(text.evidence).locator('a');
  t.equal(await link.count(), 1, 'one link: the piece of evidence with an address');
  t.equal(await link.getAttribute('rel'), 'noopener nofollow ugc');
  t.equal((await link.textContent())?.trim(), 'Teaching portfolio');
  t.match(await link.getAttribute('href'), /^https:\/\/portfolio\.example\/amina\//);
  t.ok((await row(text.evidence).textContent())?.includes('تقييم الأقران'), 'the Arabic-named evidence, shown');
  t.same(await axeViolations(page), [], 'axe');
  t.same(problems, []);

  // a phone: nothing wider than the screen (the long address wraps)
  const phone = await fx.open(t, `/credentials/${amina.id}?lang=ar`, { javaScript: false, viewport: { width: 360, height: 740 } });
  const overflow = (await phone.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
  t.equal(overflow, 0, 'no horizontal scrolling on a phone');
  await saveScreenshot(phone.page, 'credential-evidence-ar-phone');
});
