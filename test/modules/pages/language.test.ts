import t, { type Test } from 'tap';
import { isolateLatinRuns } from '../../../src/lib/i18n.js';
import { DEMO_CENTRE, DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { catalogues as checkCatalogues } from '../../../src/modules/verification/messages.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, browser, definition, LANGUAGES, languageCookie, pageApp, readPage } from './page-support.js';

// The page language: ?lang= (remembered in a cookie only from the switcher's links, &remember=1), then the cookie, then Accept-Language, then English;
// <html lang dir>, the verdict and check texts from the catalogues, dates as Intl writes them for the locale.

const p = await pageApp(t);
const amina = await p.issueFor('Amina El-Sayed');
const path = `/credentials/${amina.id}`;
const pageIn = async (t: Test, query: string, headers: Record<string, string> = {}) => {
  const response = await p.get(`${path}${query}`, browser(headers));
  t.equal(response.statusCode, 200, `${query} ${JSON.stringify(headers)}`);
  return { response, page: readPage(response.body) };
};

const FRENCH_MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

t.test('?lang= sets <html lang dir>; only the switcher\'s ?lang=&remember=1 remembers the choice in a cookie', async (t) => {
  for (const language of LANGUAGES) {
    // a ?lang= in a link someone shared: that language, but the visitor is not pinned to it
    const shared = await pageIn(t, `?lang=${language}`);
    t.equal(shared.page.lang, language, `${language}: <html lang>`);
    t.equal(shared.page.dir, language === 'ar' ? 'rtl' : 'ltr', `${language}: <html dir>`);
    t.notOk(shared.response.headers['set-cookie'], `?lang=${language}: no cookie`);

    const { response, page } = await pageIn(t, `?lang=${language}&remember=1`);
    t.equal(page.lang, language, `${language}&remember=1: <html lang>`);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr', `${language}&remember=1: <html dir>`);
    const cookie = languageCookie(response);
    t.match(cookie, { value: language, path: '/', httpOnly: true, sameSite: 'Lax' }, `${language}: the lang cookie`);
    t.ok((cookie?.maxAge ?? 0) > 30 * 24 * 3600, 'kept for a long time');
    t.match(String(response.headers['set-cookie']), /; Path=\/;.*HttpOnly.*SameSite=Lax/i);
    t.notOk(/;\s*Domain=/i.test(String(response.headers['set-cookie'])), 'for this host only');
  }
  // a shared link in another language does not undo the visitor's own choice
  const { response, page } = await pageIn(t, '?lang=zh', { cookie: 'lang=ar' });
  t.equal(page.lang, 'zh', 'the shared link\'s language for this page');
  t.notOk(response.headers['set-cookie'], 'the remembered Arabic stays');
  t.equal((await pageIn(t, '', { cookie: 'lang=ar' })).page.lang, 'ar');
  const switched = await pageIn(t, '?lang=fr&remember=1', { cookie: 'lang=ar' });
  t.equal(languageCookie(switched.response)?.value, 'fr', 'the switcher replaces the remembered language');
});

t.test('the cookie alone chooses, then Accept-Language, then English', async (t) => {
  for (const language of LANGUAGES) {
    const { response, page } = await pageIn(t, '', { cookie: `lang=${language}` });
    t.equal(page.lang, language, `cookie ${language}`);
    t.notOk(response.headers['set-cookie'], 'nothing new to remember');
  }
  t.equal((await pageIn(t, '', { 'accept-language': 'fr-CH,fr;q=0.9' })).page.lang, 'fr', 'fr-CH,fr;q=0.9 → French');
  t.equal((await pageIn(t, '', { 'accept-language': 'de-DE,de;q=0.9,ar;q=0.8,en;q=0.5' })).page.lang, 'ar', 'the best language we speak');
  t.equal((await pageIn(t, '', { 'accept-language': 'zh-Hans-CN' })).page.lang, 'zh');
  t.equal((await pageIn(t, '', { 'accept-language': 'de, ja;q=0.5' })).page.lang, 'en', 'none we speak → English');
  t.equal((await pageIn(t, '')).page.lang, 'en', 'nothing said → English');
  t.equal((await pageIn(t, '', { 'accept-language': 'fr', cookie: 'lang=ar' })).page.lang, 'ar', 'cookie beats Accept-Language');
  t.equal((await pageIn(t, '?lang=zh', { 'accept-language': 'fr', cookie: 'lang=ar' })).page.lang, 'zh', '?lang= beats the cookie');
  t.equal((await pageIn(t, '', { 'accept-language': 'fr', cookie: 'lang=xx' })).page.lang, 'fr', 'a cookie we do not speak is ignored');
  t.equal((await pageIn(t, '', { cookie: 'theme=dark; lang=zh; other=1' })).page.lang, 'zh', 'among other cookies');
});

t.test('an unknown ?lang= falls back, without an error or a cookie', async (t) => {
  for (const [query, headers, expected] of [
    ['?lang=xx', {}, 'en'],
    ['?lang=xx', { 'accept-language': 'fr-CH,fr;q=0.9' }, 'fr'],
    ['?lang=xx', { cookie: 'lang=ar' }, 'ar'],
    ['?lang=EN', {}, 'en'],
    ['?lang=', { 'accept-language': 'zh' }, 'zh'],
    ['?lang=<b>', {}, 'en'],
  ] as const) {
    const response = await p.get(`${path}${query}`, browser(headers));
    const page = assertPage(t, response, 200, `${query} ${JSON.stringify(headers)}`);
    t.equal(page.lang, expected, `${query} ${JSON.stringify(headers)} → ${expected}`);
    t.notOk(languageCookie(response), 'no cookie for a language we do not speak');
    t.match(response.headers['cache-control'], /^public/, 'nothing personal: public');
  }
  for (const length of [11, 100]) {
    const long = await p.get(`${path}?lang=${'x'.repeat(length)}`, browser());
    t.equal(assertPage(t, long, 200, `a ${length}-character ?lang=`).lang, 'en', `a ${length}-character ?lang= is ignored`);
    t.notOk(languageCookie(long));
  }
  assertPage(t, await p.get(`${path}?lang=${'x'.repeat(101)}`, browser()), 400, 'over 100 characters: a bad request');
  const unknownRemembered = await p.get(`${path}?lang=xx&remember=1`, browser({ cookie: 'lang=ar' }));
  t.equal(assertPage(t, unknownRemembered, 200, '?lang=xx&remember=1').lang, 'ar', 'an unknown language is not remembered either');
  t.notOk(languageCookie(unknownRemembered), 'no cookie');
});

t.test('verdict, check names and check messages in the page language', async (t) => {
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const { page } = await pageIn(t, `?lang=${language}`);
    t.equal(page.h1, text.verdicts.valid.title, `${language}: the verdict title`);
    t.ok(page.text.includes(text.verdicts.valid.explanation), `${language}: its explanation`);
    t.same(
      page.checks.map((check) => check.name),
      [text.checks.names.proof, text.checks.names.issuer, text.checks.names.authorised, text.checks.names.status, text.checks.names.validity, text.checks.names.schema],
      `${language}: the six checks by name`,
    );
    t.ok(page.checks.every((check) => check.status === 'passed' && check.outcome === text.checks.outcomes.passed), `${language}: each marked as passed in words`);

    // the messages are the verification catalogue's, in this language (the same the API gives for ?lang=)
    const messages = Object.fromEntries(page.checks.map((check, index) => [['proof', 'issuer', 'authorised', 'status', 'validity', 'schema'][index], check.message]));
    const catalogue = checkCatalogues[language];
    t.equal(messages.status, catalogue['status.active']({}), `${language}: status message`);
    t.equal(messages.validity, catalogue['validity.current']({}), `${language}: validity message`);
    t.equal(messages.schema, catalogue['schema.ob3']({}), `${language}: schema message`);
    const report = (await p.app.inject({ method: 'POST', url: `/api/v1/verify?lang=${language}`, payload: { id: amina.id } })).json();
    t.same(
      page.checks.map((check) => check.message),
      report.checks.map((check: { message: string }) => check.message),
      `${language}: every message as the API reports it in ${language}`,
    );
    // issued in English, read in Arabic: the catalogue's Arabic course name (which holds the Latin "1+X"), isolated (FSI…PDI)
    if (language === 'ar') {
      t.ok(messages.authorised?.includes(`\u2068${isolateLatinRuns(DEMO_COURSES[0]!.name.ar!)}\u2069`), 'ar: the Arabic course name isolated inside the Arabic sentence');
      t.ok(messages.authorised?.includes('\u20661+X\u2069'), 'ar: and its "1+X" isolated left to right inside it');
    }
    if (language !== 'en') t.notSame(page.checks.map((check) => check.message), (await pageIn(t, '?lang=en')).page.checks.map((check) => check.message), 'not the English ones');
  }
});

t.test('course and centre names in the page language (the credential itself is in English)', async (t) => {
  t.equal(amina.credential.credentialSubject.achievement.inLanguage, 'en');
  for (const language of LANGUAGES) {
    const { response } = await pageIn(t, `?lang=${language}`);
    const labels = pageCatalogues[language].credential;
    const course = DEMO_COURSES[0]!;
    // an Arabic name keeps its Latin "1+X" drawn left to right (isolated LRI…PDI)
    t.ok(definition(response.body, labels.course)?.startsWith(isolateLatinRuns(course.name[language]!)), `${language}: the course name`);
    t.equal(definition(response.body, labels.description), course.description[language], `${language}: the course description`);
    t.equal(definition(response.body, labels.criteria), course.criteria[language], `${language}: the criteria`);
    t.ok(definition(response.body, labels.issuer)?.startsWith(DEMO_CENTRE.name[language]), `${language}: the centre name`);
  }
});

t.test('dates as the locale writes them', async (t) => {
  const validFrom = new Date(amina.credential.validFrom);
  for (const language of LANGUAGES) {
    const { response } = await pageIn(t, `?lang=${language}`);
    const labels = pageCatalogues[language].credential;
    const issuedOn = definition(response.body, labels.issuedOn) ?? '';
    const locale = language === 'zh' ? 'zh-CN' : language;
    const expected = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(validFrom);
    t.equal(issuedOn, expected, `${language}: issued on ${expected}`);
    const year = new Intl.NumberFormat(locale, { useGrouping: false }).format(validFrom.getUTCFullYear());
    t.ok(issuedOn.includes(year), `${language}: the year in the locale's digits (${year})`);
    t.equal(definition(response.body, labels.expiresOn), labels.noExpiry, `${language}: does not expire`);
  }
  const french = definition((await pageIn(t, '?lang=fr')).response.body, pageCatalogues.fr.credential.issuedOn) ?? '';
  t.ok(french.includes(FRENCH_MONTHS[validFrom.getUTCMonth()]!), `the French month name (${french})`);
  t.ok(french.includes(String(validFrom.getUTCFullYear())));
  t.match(french, new RegExp(`^${validFrom.getUTCDate() === 1 ? '1er' : validFrom.getUTCDate()} `), 'day before month, as French writes it');
  const english = definition((await pageIn(t, '?lang=en')).response.body, pageCatalogues.en.credential.issuedOn) ?? '';
  t.ok(english.includes(validFrom.toLocaleString('en', { month: 'long', timeZone: 'UTC' })), `the English month name (${english})`);
  const chinese = definition((await pageIn(t, '?lang=zh')).response.body, pageCatalogues.zh.credential.issuedOn) ?? '';
  t.equal(chinese, `${validFrom.getUTCFullYear()}年${validFrom.getUTCMonth() + 1}月${validFrom.getUTCDate()}日`, `Chinese date (${chinese})`);

  // the check time, in the page language too
  const { page } = await pageIn(t, '?lang=fr');
  t.match(page.text, /Vérifié le \d{1,2}(er)? \p{L}+ \d{4}/u, 'checkedAt in French');
});

t.test('the language switcher keeps the page, remembers the choice and says each language in itself', async (t) => {
  const { response } = await pageIn(t, '?lang=ar');
  for (const language of LANGUAGES) {
    const link = new RegExp(`<a href="${path}\\?lang=${language}&amp;remember=1" lang="${language}" hreflang="${language}"[^>]*>${pageCatalogues[language].languageName}</a>`);
    t.match(response.body, link, `a link to the ${language} page`);
  }
  t.match(response.body, /hreflang="ar" aria-current="true"/, 'the current language is marked');
  const { links } = readPage(response.body);
  t.same(links.filter((href) => href.includes('remember=')), LANGUAGES.map((language) => `${path}?lang=${language}&remember=1`), 'only the switcher remembers');
  t.equal(links.filter((href) => href === '/verify?lang=ar').length, 2, 'the footer and "verify another" lead to /verify in this language, without remembering it');
  t.equal(links.filter((href) => href === '/?lang=ar').length, 1, 'the brand leads home in this language, without remembering it');

  // following a switcher link: the page in that language, the cookie set, and the next page found by it
  const followed = await p.get(`${path}?lang=fr&remember=1`, browser());
  t.equal(readPage(followed.body).lang, 'fr');
  t.equal(languageCookie(followed)?.value, 'fr');
  const next = await p.get('/verify', browser({ cookie: `lang=${languageCookie(followed)?.value}`, 'accept-language': 'en' }));
  t.equal(readPage(next.body).lang, 'fr', 'the next page, without ?lang=, in the remembered language');

  // the verify page's own switcher too
  const verify = await p.get('/verify?lang=zh', browser());
  t.notOk(verify.headers['set-cookie'], '/verify?lang=zh remembers nothing');
  t.same(readPage(verify.body).links.filter((href) => href.includes('remember=')), LANGUAGES.map((language) => `/verify?lang=${language}&remember=1`));
  const remembered = await p.get('/verify?lang=zh&remember=1', browser());
  t.equal(languageCookie(remembered)?.value, 'zh', '/verify?lang=zh&remember=1 remembers Chinese');
});
