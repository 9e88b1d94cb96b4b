import t from 'tap';
import { generateShortCode } from '../../../src/lib/short-code.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, assertProblem, browser, LANGUAGES, pageApp } from './page-support.js';

// GET /v/:code, the link printed on certificates and encoded in their QR codes: a redirect to the credential page
// (keeping the language); for a browser, a mistyped or unknown code is a localised page saying to check the code;
// for a program, problem+json.

const p = await pageApp(t);
const amina = await p.issueFor('Amina El-Sayed');
const code = amina.shortCode;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The code with its first random character replaced by another (the check character catches it). */
const typo = (() => {
  const index = 3;
  const replacement = [...ALPHABET].find((character) => character !== code[index])!;
  return `${code.slice(0, index)}${replacement}${code.slice(index + 1)}`;
})();

t.test('the short link opens the credential page, in the language asked for', async (t) => {
  for (const headers of [browser(), {}, { accept: 'application/json' }]) {
    const response = await p.get(`/v/${code}`, headers);
    t.equal(response.statusCode, 302, JSON.stringify(headers));
    t.equal(response.headers.location, `/credentials/${amina.id}`);
    t.match(response.headers['x-robots-tag'], /noindex/);
  }
  for (const typed of [code.toLowerCase(), code.replaceAll('-', ''), encodeURIComponent(code.replaceAll('-', ' ').toLowerCase())]) {
    t.equal((await p.get(`/v/${typed}`, browser())).headers.location, `/credentials/${amina.id}`, `typed as ${typed}`);
  }
  for (const language of LANGUAGES) {
    const response = await p.get(`/v/${code}?lang=${language}`, browser());
    t.equal(response.headers.location, `/credentials/${amina.id}?lang=${language}`, `?lang=${language} kept`);
    const page = assertPage(t, await p.get(response.headers.location as string, browser()), 200, `followed in ${language}`);
    t.equal(page.lang, language);
    t.equal(page.h1, pageCatalogues[language].verdicts.valid.title);
  }
});

t.test('a mistyped code: a page saying to check it, in the visitor\'s language', async (t) => {
  for (const language of LANGUAGES) {
    const response = await p.get(`/v/${typo}?lang=${language}`, browser());
    const page = assertPage(t, response, 422, `${typo} in ${language}`);
    t.equal(page.lang, language);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.equal(page.h1, pageCatalogues[language].errors.title);
    t.ok(page.text.includes(pageCatalogues[language].errors.codeCheck({ code: typo })), `${language}: the check-the-code message`);
    t.equal(response.headers['cache-control'], 'no-store');
    t.notOk(response.headers.location, 'no redirect');
  }
  const byHeader = assertPage(t, await p.get(`/v/${typo}`, browser({ 'accept-language': 'fr-CH,fr;q=0.9' })), 422, 'by Accept-Language');
  t.ok(byHeader.text.includes(pageCatalogues.fr.errors.codeCheck({ code: typo })), 'French by Accept-Language');

  for (const bad of ['not-a-code', 'EG-1234', '12-ABCD-EFGH-JKMN-P']) {
    const page = assertPage(t, await p.get(`/v/${bad}?lang=zh`, browser()), 422, bad);
    t.ok(page.text.includes(pageCatalogues.zh.errors.codeFormat({ code: bad })), `${bad}: does not look like a code`);
  }
  const markup = '<b>EG</b>';
  const escaped = await p.get(`/v/${encodeURIComponent(markup)}`, browser());
  const page = assertPage(t, escaped, 422, 'markup as a code');
  t.ok(page.text.includes(pageCatalogues.en.errors.codeFormat({ code: markup })), 'the typed text shown as typed');
  t.notOk(escaped.body.includes('<b>EG</b>'), 'and escaped');
  assertPage(t, await p.get(`/v/${'X'.repeat(101)}`, browser()), 400, 'an over-long code: a client error page');
});

t.test('a well-formed code nobody has: 404 page', async (t) => {
  const unknown = generateShortCode('EG');
  for (const language of LANGUAGES) {
    const page = assertPage(t, await p.get(`/v/${unknown.toLowerCase()}?lang=${language}`, browser()), 404, `${unknown} in ${language}`);
    t.ok(page.text.includes(pageCatalogues[language].errors.codeUnknown({ code: unknown })), `${language}: no credential has the code (shown in its canonical form)`);
    t.ok(page.links.includes(`/verify?lang=${language}`), 'and the way on: the verify page');
  }
});

t.test('programs get problem+json', async (t) => {
  for (const headers of [{}, { accept: 'application/json' }, { accept: '*/*' }]) {
    const invalid = assertProblem(t, await p.get(`/v/${typo}`, headers), 422, 'invalid-code', `typo for ${JSON.stringify(headers)}`);
    t.equal(invalid.reason, 'check');
    t.equal(invalid.code, typo);
    t.match(invalid.detail, /mistyped/);
    assertProblem(t, await p.get('/v/not-a-code', headers), 422, 'invalid-code', 'format');
    const unknown = assertProblem(t, await p.get(`/v/${generateShortCode('EG')}`, headers), 404, 'unknown-code', 'unknown');
    t.match(unknown.detail, /No credential has the code/);
  }
});
