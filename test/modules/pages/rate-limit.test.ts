import t from 'tap';
import type { Language } from '../../../src/lib/i18n.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, assertProblem, browser, pageApp, urlencoded } from './page-support.js';

// The public lookups people can make without an account are rate-limited per address (RATE_LIMIT_VERIFY_PER_MINUTE):
// the verify page's posts, the short links and the certificate PDF (about 50 ms of CPU each). Over the limit: a localised 429 page with Retry-After (a program
// asking /v/ gets problem+json); the credential page itself is not limited.

const LIMIT = 3;
const p = await pageApp(t, { RATE_LIMIT_VERIFY_PER_MINUTE: String(LIMIT) });
const { app } = p;
const amina = await p.issueFor('Amina El-Sayed');

/** Whether the page says to retry in the Retry-After's seconds (or one less: a second may pass in between), numbers as the locale writes them. */
function saysRetryAfter(text: string, language: Language, retryAfter: number) {
  const format = new Intl.NumberFormat(language === 'zh' ? 'zh-CN' : language);
  return [retryAfter, retryAfter - 1].some((seconds) => text.includes(pageCatalogues[language].errors.rateLimited({ seconds: format.format(seconds) })));
}

t.test('POST /verify: the fourth within a minute is refused with a page', async (t) => {
  const form = urlencoded({ code: amina.shortCode });
  const post = (language: string) => app.inject({ method: 'POST', url: `/verify?lang=${language}`, payload: form.payload, headers: browser(form.headers) });
  for (let i = 0; i < LIMIT; i++) t.equal((await post('en')).statusCode, 303, `post ${i + 1} answered`);
  for (const language of ['ar', 'fr'] as const) {
    const limited = await post(language);
    const page = assertPage(t, limited, 429, `over the limit (${language})`);
    const retryAfter = Number(limited.headers['retry-after']);
    t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${limited.headers['retry-after']}`);
    t.equal(page.lang, language);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.ok(saysRetryAfter(page.text, language, retryAfter), `${language}: try again in ${retryAfter} seconds, in ${language}`);
    t.equal(limited.headers['cache-control'], 'no-store');
    t.notOk(limited.headers.location, 'not followed');
  }
});

t.test('GET /verify (with ?code=) has its own allowance, limited the same way', async (t) => {
  for (let i = 0; i < LIMIT; i++) t.equal((await p.get(`/verify?code=${amina.shortCode}`, browser())).statusCode, 303);
  const limited = await p.get(`/verify?lang=zh`, browser());
  const page = assertPage(t, limited, 429, 'GET over the limit');
  t.equal(page.lang, 'zh');
  t.ok(saysRetryAfter(page.text, 'zh', Number(limited.headers['retry-after'])), 'the rate-limit message in Chinese');
});

t.test('/v/:code: limited too, a page for browsers and a problem for programs', async (t) => {
  for (let i = 0; i < LIMIT; i++) t.equal((await p.get(`/v/${amina.shortCode}`, browser())).statusCode, 302, `lookup ${i + 1}`);
  const limited = await p.get(`/v/${amina.shortCode}?lang=fr`, browser());
  const page = assertPage(t, limited, 429, '/v/ over the limit');
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
  t.equal(page.lang, 'fr');
  t.match(page.text, /Trop de vérifications depuis votre réseau en peu de temps\. Réessayez dans \d+ secondes\./);
  t.notOk(limited.headers.location, 'no redirect');

  const program = assertProblem(t, await p.get(`/v/${amina.shortCode}`, { accept: 'application/json' }), 429, 'rate-limited', 'a program');
  t.ok(Number(program.retryAfterSeconds) > 0);
  // guessing codes does not get around it
  assertPage(t, await p.get('/v/EG-0000-0000-0000-0', browser()), 429, 'another code');
});

t.test('the certificate PDF: limited too, a page for browsers and a problem for programs', async (t) => {
  const pdf = `/credentials/${amina.id}/certificate.pdf`;
  for (let i = 0; i < LIMIT; i++) {
    const response = await p.get(`${pdf}?lang=en`, browser());
    t.equal(response.statusCode, 200, `PDF ${i + 1}`);
    t.equal(response.headers['content-type'], 'application/pdf');
  }
  for (const language of ['ar', 'zh'] as const) {
    const limited = await p.get(`${pdf}?lang=${language}`, browser());
    const page = assertPage(t, limited, 429, `the fourth PDF (${language})`);
    const retryAfter = Number(limited.headers['retry-after']);
    t.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${limited.headers['retry-after']}`);
    t.equal(page.lang, language);
    t.ok(saysRetryAfter(page.text, language, retryAfter), `${language}: try again in ${retryAfter} seconds`);
    t.equal(limited.headers['cache-control'], 'no-store');
  }
  const program = assertProblem(t, await p.get(pdf, { accept: 'application/pdf' }), 429, 'rate-limited', 'a program');
  t.ok(Number(program.retryAfterSeconds) > 0);
  const other = await p.issueFor('Another Person');
  assertPage(t, await p.get(`/credentials/${other.id}/certificate.pdf`, browser()), 429, 'another credential\'s PDF: the same allowance');
  t.equal((await p.get(`/credentials/${amina.id}`, browser())).statusCode, 200, 'while the page itself still answers');
});

t.test('the credential page and its files are not limited', async (t) => {
  for (let i = 0; i < LIMIT + 3; i++) {
    t.equal((await p.get(`/credentials/${amina.id}`, browser())).statusCode, 200, `page view ${i + 1}`);
  }
  t.equal((await p.get(`/credentials/${amina.id}/qr.svg`)).statusCode, 200);
});
