import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { credentialPageContent } from '../../../src/modules/pages/service.js';
import { PAGE_TEMPLATE_VERSION } from '../../../src/web/respond.js';
import { BASE_URL } from '../../helper.js';
import { assertPage, browser, elements, innerOf, LANGUAGES, metaContent, pageApp, type PageApp, sha256Base64 } from './page-support.js';

// The headers of the credential page: revalidation (ETag/304), a cache no longer than the status lists' max-age,
// private when it sets the visitor's cookie, no indexing, a content policy that lets only the page's own script
// run, nothing loaded from elsewhere, and a page small enough for a slow mobile network.

const p = await pageApp(t);
const amina = await p.issueFor('Amina El-Sayed');
const path = `/credentials/${amina.id}`;

/** `max-age` of a Cache-Control header, and its other directives. */
function cacheControl(header: unknown) {
  const directives = String(header ?? '')
    .split(',')
    .map((directive) => directive.trim().toLowerCase());
  const maxAge = directives.find((directive) => directive.startsWith('max-age='));
  return { directives, maxAge: maxAge === undefined ? undefined : Number(maxAge.slice('max-age='.length)) };
}

/**
 * Revalidation: the page's tag is weak (the same content, not the same bytes: RFC 9110 §8.8.1), the signed JSON's
 * strong (byte-identical). If-None-Match compares weakly, so the opaque tag matches with or without W/.
 */
async function assertRevalidates(t: Test, app: PageApp, url: string, headers: Record<string, string>, what: string, strength: 'weak' | 'strong') {
  const first = await app.get(url, headers);
  t.equal(first.statusCode, 200, what);
  const etag = first.headers.etag as string;
  t.match(etag, strength === 'weak' ? /^W\/"[^"]+"$/ : /^"[^"]+"$/, `${what}: a ${strength} ETag (${etag})`);
  const opaque = etag.replace(/^W\//, '');
  for (const ifNoneMatch of [etag, opaque, `W/${opaque}`, `"other", ${etag}`, `W/"other", ${opaque}`, '*']) {
    const again = await app.get(url, { ...headers, 'if-none-match': ifNoneMatch });
    t.equal(again.statusCode, 304, `${what}: If-None-Match ${ifNoneMatch} → 304`);
    t.equal(again.body, '', `${what}: no body with the 304`);
    t.equal(again.headers.etag, etag, `${what}: the 304 repeats the ETag`);
    t.ok(again.headers['cache-control'], `${what}: and the caching rules`);
  }
  for (const other of ['"something-else"', 'W/"something-else"', `"${opaque.slice(1, -2)}"`]) {
    const changed = await app.get(url, { ...headers, 'if-none-match': other });
    t.equal(changed.statusCode, 200, `${what}: another tag (${other}) gets the whole answer`);
    t.ok(changed.body.length > 0);
  }
  return etag;
}

t.test('ETag and If-None-Match', async (t) => {
  const pageTag = await assertRevalidates(t, p, path, browser(), 'page', 'weak');
  const jsonTag = await assertRevalidates(t, p, path, { accept: 'application/json' }, 'JSON', 'strong');
  t.equal(jsonTag, `"${createHash('sha256').update(amina.bytes).digest('base64url').slice(0, 27)}"`, 'the JSON\'s tag is the hash of the signed bytes it sends');
  const [en, fr] = await Promise.all([p.get(path, browser()), p.get(`${path}?lang=fr`, browser())]);
  t.not(en.headers.etag, fr.headers.etag, 'each language has its own ETag');
  t.not(pageTag.replace(/^W\//, ''), jsonTag, 'the page and the JSON have different ETags');
  const frTag = fr.headers.etag as string;
  t.equal((await p.get(`${path}?lang=fr`, browser({ 'if-none-match': pageTag }))).statusCode, 200, 'the English tag does not revalidate the French page');
  t.equal((await p.get(path, { accept: 'application/json', 'if-none-match': pageTag })).statusCode, 200, 'nor the page\'s tag the JSON');
  t.equal((await p.get(`${path}?lang=fr`, browser({ 'if-none-match': frTag }))).statusCode, 304, 'while the French one does');
});

t.test('the page\'s ETag: what the page says and the release\'s page templates, not the check time', async (t) => {
  t.match(PAGE_TEMPLATE_VERSION, /^[A-Za-z0-9_-]{16}$/, 'a template version');
  for (const language of LANGUAGES) {
    const response = await p.get(`${path}?lang=${language}`, browser());
    const content = await credentialPageContent({ ctx: p.app.ctx, id: amina.id, language });
    const { checkedAt: _checkedAt, ...verdict } = content.report;
    const versionOf = (templates: string) => JSON.stringify([templates, language, verdict, content.description, content.links]);
    const tagOf = (version: string) => `W/"${createHash('sha256').update(version).digest('base64url').slice(0, 27)}"`;
    t.equal(response.headers.etag, tagOf(versionOf(PAGE_TEMPLATE_VERSION)), `${language}: W/ + hash of the template version, the language and what the page says`);
    t.not(response.headers.etag, tagOf(versionOf('another release')), `${language}: another release's templates give another tag`);
    t.not(response.headers.etag, `W/"${createHash('sha256').update(response.body).digest('base64url').slice(0, 27)}"`, `${language}: not the bytes (they hold the check time)`);
  }
});

t.test('Cache-Control: no longer than the status lists may be cached, less two replica caches; private only when it sets a cookie', async (t) => {
  const statusMaxAge = p.app.ctx.config.statusLists.maxAgeSeconds;
  t.equal(statusMaxAge, 60, 'the default STATUS_LIST_MAX_AGE_SECONDS');
  const plain = await p.get(path, browser());
  t.equal(plain.headers['cache-control'], 'public, max-age=50, must-revalidate', 'min(60, 60) - 10 = 50 s, public');
  t.notOk(plain.headers['set-cookie'], 'and no cookie');

  for (const language of LANGUAGES) {
    // a ?lang= in a shared link: that language, nothing remembered, so nothing personal
    const shared = await p.get(`${path}?lang=${language}`, browser());
    t.equal(shared.headers['cache-control'], 'public, max-age=50, must-revalidate', `?lang=${language}: public (${shared.headers['cache-control']})`);
    t.notOk(shared.headers['set-cookie'], `?lang=${language}: no cookie`);
    // the language switcher's link: remembered, so for this visitor only
    const chosen = await p.get(`${path}?lang=${language}&remember=1`, browser());
    t.equal(chosen.headers['cache-control'], 'private, max-age=50, must-revalidate', `?lang=${language}&remember=1: private (${chosen.headers['cache-control']})`);
    t.match(String(chosen.headers['set-cookie']), new RegExp(`^lang=${language};`), 'the reply that sets the cookie');
  }

  const byCookie = await p.get(path, browser({ cookie: 'lang=fr' }));
  t.equal(byCookie.headers['cache-control'], 'public, max-age=50, must-revalidate', 'a cookie-chosen language is public (Vary: Cookie keeps caches apart)');
  t.match(String(byCookie.headers.vary), /Cookie/);
  const json = await p.get(path, { accept: 'application/json' });
  t.equal(json.headers['cache-control'], 'public, max-age=86400', 'the signed JSON never changes: a day');
});

t.test('a shorter status max-age shortens the page cache, down to none', async (t) => {
  for (const [statusMaxAge, pageMaxAge] of [
    ['10', 0],
    ['25', 15],
    ['300', 50],
  ] as const) {
    const short = await pageApp(t, { STATUS_LIST_MAX_AGE_SECONDS: statusMaxAge });
    const credential = await short.issueFor('Karim Adel');
    const response = await short.get(`/credentials/${credential.id}`, browser());
    t.equal(response.statusCode, 200);
    t.equal(response.headers['cache-control'], `public, max-age=${pageMaxAge}, must-revalidate`, `STATUS_LIST_MAX_AGE_SECONDS=${statusMaxAge}: max-age=${pageMaxAge}`);
    const status = await short.get(new URL(credential.credential.credentialStatus.statusListCredential).pathname);
    t.equal(status.statusCode, 200);
    t.ok(cacheControl(status.headers['cache-control']).maxAge! >= pageMaxAge + 10, 'the status list itself may be cached at least ten seconds longer');
  }
});

t.test('not for search engines', async (t) => {
  for (const [what, url, headers] of [
    ['page', path, browser()],
    ['JSON', path, { accept: 'application/json' }],
    ['missing credential page', '/credentials/00000000-0000-4000-8000-000000000000', browser()],
    ['verify page', '/verify', browser()],
  ] as const) {
    const response = await p.get(url, headers);
    t.match(response.headers['x-robots-tag'], /\bnoindex\b/, `${what}: X-Robots-Tag noindex`);
    if (what !== 'JSON') t.equal(metaContent(response.body, 'robots'), 'noindex,nofollow', `${what}: <meta name="robots">`);
  }
});

t.test('Content-Security-Policy: nothing from elsewhere, and only the page\'s own inline script', async (t) => {
  for (const language of LANGUAGES) {
    const response = await p.get(`${path}?lang=${language}`, browser());
    const policy = String(response.headers['content-security-policy']);
    const directives = new Map(
      policy.split(';').map((directive) => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    t.same(directives.get('default-src'), ["'none'"], `${language}: default-src 'none'`);
    t.same(directives.get('base-uri'), ["'none'"]);
    t.same(directives.get('frame-ancestors'), ["'none'"]);
    t.notOk(policy.includes('unsafe-eval'), 'no eval');
    t.notOk(directives.get('script-src')?.includes("'unsafe-inline'"), 'no inline script by default');

    const scripts = [...response.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    t.equal(scripts.length, 1, `${language}: one script`);
    t.equal(scripts[0]?.[1], '', 'inline, without src or other attributes');
    const hash = `'sha256-${sha256Base64(scripts[0]?.[2] ?? '')}'`;
    t.same(directives.get('script-src'), [hash], `${language}: script-src allows exactly the inline script's hash`);
    t.match(response.headers['x-content-type-options'], 'nosniff');
  }
  const verify = await p.get('/verify', browser());
  t.match(verify.headers['content-security-policy'], /default-src 'none'/, 'the verify page has the same policy');
  t.notOk(/<script\b/i.test(verify.body), 'and needs no script at all');
});

/** Every URL the page's markup would make a browser load or follow. */
function linkedUrls(markup: string) {
  return ['a', 'link', 'img', 'script', 'form', 'iframe', 'source', 'input'].flatMap((tag) =>
    elements(markup, tag).flatMap((attributes) => ['href', 'src', 'action', 'srcset', 'formaction'].filter((name) => name in attributes).map((name) => ({ tag, name, url: attributes[name] as string }))),
  );
}

t.test('no external assets: every link is our own, except the LinkedIn button', async (t) => {
  for (const language of LANGUAGES) {
    const { body } = await p.get(`${path}?lang=${language}`, browser());
    const urls = linkedUrls(body);
    t.ok(urls.length > 10, `${language}: the page has links`);
    const foreign = urls.filter(({ url }) => {
      if (url.startsWith('/') && !url.startsWith('//')) return false;
      if (url.startsWith('#')) return false;
      if (url.startsWith(`${BASE_URL}/`)) return false;
      return true;
    });
    t.equal(foreign.length, 1, `${language}: one link leaves the site (${foreign.map((f) => f.url).join(' ')})`);
    t.match(foreign[0], { tag: 'a', name: 'href', url: /^https:\/\/www\.linkedin\.com\/profile\/add\?/ }, 'LinkedIn\'s add-to-profile form');
    t.ok(urls.filter(({ tag }) => tag !== 'a' && tag !== 'form' && tag !== 'link').every(({ url }) => url.startsWith('/')), 'images and scripts by path only');
    t.notOk(/@import|url\(/i.test(innerOf(body, 'style') ?? ''), 'the stylesheet loads nothing');
    t.notOk(/@font-face/i.test(body), 'no web fonts');
  }
});

t.test('under 30 KB in every language, with a long name and course', async (t) => {
  const long = await p.issueFor(`${'Abdel-Rahman Mohamed Mahmoud '.repeat(6).trim()}`);
  for (const credential of [amina, long]) {
    for (const language of LANGUAGES) {
      const response = await p.get(`/credentials/${credential.id}?lang=${language}`, browser());
      const page = assertPage(t, response, 200, language);
      const bytes = Buffer.byteLength(response.body, 'utf8');
      t.ok(bytes < 30_000, `${language}: ${bytes} bytes of HTML and inline CSS`);
      t.equal(Number(response.headers['content-length']), bytes, 'Content-Length is the byte length');
      t.equal(page.lang, language);
    }
  }
});

t.test('error pages link only to this site, whatever path was asked for', async (t) => {
  for (const path of ['/no-such-page', `/credentials/${'0'.repeat(8)}`, '/x"><script>alert(1)</script>', '/v/not-a-code']) {
    const response = await p.get(`${path}?lang=ar`, browser());
    t.ok(response.statusCode >= 400 && response.statusCode < 500, `${path}: ${response.statusCode}`);
    t.match(response.headers['content-type'], /^text\/html/);
    t.equal([...response.body.matchAll(/<script\b/gi)].length, 0, `${path}: no script`);
    const urls = linkedUrls(response.body).map(({ url }) => url);
    t.ok(urls.every((url) => url.startsWith('#') || (url.startsWith('/') && !url.startsWith('//'))), `${path}: links by path only (${urls.join(' ')})`);
  }
});

t.test('a path starting with // does not turn the language links into links to another host', async (t) => {
  // (a backslash is a slash to URL parsers: the inject client already reads /\evil.example/page as host + /page)
  for (const [path, expected] of [
    ['//evil.example/page', '/evil.example/page'],
    ['/\\evil.example/page', '/page'],
    [`//evil.example/credentials/${amina.id}`, `/evil.example/credentials/${amina.id}`],
  ] as const) {
    const response = await p.get(path, browser());
    t.equal(response.statusCode, 404, path);
    const urls = linkedUrls(response.body).map(({ url }) => url);
    t.same(urls.filter((url) => !url.startsWith('#') && !/^\/(?![/\\])/.test(url)), [], `${path}: every link a path on this site (${urls.join(' ')})`);
    const switcher = urls.filter((url) => /[?&]remember=1\b/.test(url));
    t.same(switcher, LANGUAGES.map((language) => `${expected}?lang=${language}&remember=1`), `${path}: the language links, to ${expected} on this site`);
  }
});
