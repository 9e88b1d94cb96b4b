import t from 'tap';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, browser, elements, innerOf, languageCookie, LANGUAGES, pageApp, textOf, urlencoded } from './page-support.js';

// GET /: a small home page instead of a 404: what the service is, the verify form (a code or link), where a national
// centre starts; in four languages, with the pages' look and headers; its form really verifies.

const p = await pageApp(t);
const { app } = p;
const amina = await p.issueFor('Amina El-Sayed');

t.test('the home page in every language', async (t) => {
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const response = await p.get(`/?lang=${language}`, browser());
    const page = assertPage(t, response, 200, language);
    t.equal(page.lang, language);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.equal(page.h1, text.home.title, `${language}: what this is`);
    t.ok(page.text.includes(text.home.intro), `${language}: in a sentence`);
    t.equal(page.title, `${text.home.title} · ${text.site.name}`);
    const forms = elements(response.body, 'form');
    t.same(forms.map((form) => [form.method, form.action]), [['post', `/verify?lang=${language}`]], `${language}: one form, the verify page's code form`);
    t.same(elements(response.body, 'input').map((input) => [input.id, input.name]), [['code', 'code']]);
    t.same(elements(response.body, 'label').map((label) => label.for), ['code'], `${language}: the field is labelled`);
    const links = page.links;
    t.ok(links.includes(`/verify?lang=${language}`), `${language}: the way to paste or upload a credential`);
    for (const href of ['/docs', '/openapi.json', '/registry']) t.ok(links.includes(href), `${language}: where centres start: ${href}`);
    const centres = innerOf(response.body, 'section', { name: 'aria-labelledby', value: 'centres-heading' }) ?? '';
    t.ok(textOf(centres).includes(text.home.centresText), `${language}: for national centres`);
    t.ok(links.includes(`/?lang=${language}`), `${language}: the brand leads here`);
    t.equal(links.filter((href) => href.startsWith('/?lang=') && href.endsWith('&remember=1')).length, 4, `${language}: the language switcher`);
  }
});

t.test('language, headers and caching like the other pages', async (t) => {
  const byHeader = await p.get('/', browser({ 'accept-language': 'zh-CN,zh;q=0.9' }));
  t.equal(assertPage(t, byHeader, 200, 'zh by Accept-Language').lang, 'zh');
  t.equal(assertPage(t, await p.get('/', browser()), 200, 'default').lang, 'en', 'English by default');
  t.equal(assertPage(t, await p.get('/', { accept: 'application/json' }), 200, 'json client').lang, 'en', 'always the page, whatever the client accepts');

  const response = await p.get('/?lang=fr', browser());
  t.match(response.headers['content-security-policy'], /default-src 'none'/);
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.equal(response.headers['cache-control'], 'public, max-age=300');
  t.match(response.headers.vary, /Accept-Language/);
  t.notOk(languageCookie(response), 'a shared ?lang= sets no cookie');
  const etag = response.headers.etag as string;
  t.match(etag, /^"[^"]+"$/, 'a strong ETag');
  const again = await p.get('/?lang=fr', browser({ 'if-none-match': etag }));
  t.equal(again.statusCode, 304, 'revalidates');
  t.not((await p.get('/?lang=ar', browser())).headers.etag, etag, 'another language, another tag');

  const remembered = await p.get('/?lang=ar&remember=1', browser());
  t.equal(languageCookie(remembered)?.value, 'ar', 'the switcher remembers the language');
  t.equal(remembered.headers['cache-control'], 'private, max-age=300', 'and that answer is for this visitor only');
  t.equal(assertPage(t, await p.get('/', browser({ cookie: 'lang=ar' })), 200, 'remembered').lang, 'ar');

  const head = await app.inject({ method: 'HEAD', url: '/' });
  t.equal(head.statusCode, 200, 'HEAD answers too');
});

t.test('the form on the home page verifies a code', async (t) => {
  const form = urlencoded({ code: amina.shortCode.toLowerCase().replaceAll('-', ' ') });
  const response = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: form.payload, headers: browser(form.headers) });
  t.equal(response.statusCode, 303);
  t.equal(response.headers.location, `/credentials/${amina.id}?lang=fr`, 'to the credential\'s page');
});

t.test('unknown paths are still a page that says so, not the home page', async (t) => {
  const response = await p.get('/no-such-page', browser());
  t.equal(response.statusCode, 404);
  t.match(response.headers['content-type'], /^text\/html/);
});
