import { randomUUID } from 'node:crypto';
import t from 'tap';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL } from '../../helper.js';
import { assertPage, assertProblem, browser, pageApp } from './page-support.js';

// GET /credentials/:id answers browsers with the verified page and everyone else with the signed JSON exactly as
// issued (DESIGN §4); `?format=` overrides; a missing credential is a page for a browser, a problem for a program.

const p = await pageApp(t);
const amina = await p.issueFor('Amina El-Sayed');
const path = `/credentials/${amina.id}`;
const valid = pageCatalogues.en.verdicts.valid.title;

t.test('browsers get the page', async (t) => {
  for (const accept of [browser().accept, 'text/html', 'application/json;q=0.5, text/html']) {
    const page = assertPage(t, await p.get(path, { accept }), 200, accept);
    t.equal(page.h1, valid, `${accept}: the verdict is the heading`);
  }
});

t.test('programs get the signed JSON, byte for byte as issued', async (t) => {
  for (const [what, headers] of [
    ['no Accept', {}],
    ['*/*', { accept: '*/*' }],
    ['application/json', { accept: 'application/json' }],
    ['JSON ranked above HTML', { accept: 'text/html;q=0.5, application/json' }],
    ['application/ld+json (an unknown type: not HTML)', { accept: 'application/ld+json' }],
  ] as const) {
    const response = await p.get(path, headers);
    t.equal(response.statusCode, 200, what);
    t.match(response.headers['content-type'], /^application\/json/, `${what}: JSON`);
    t.equal(response.body, amina.bytes, `${what}: the bytes of the issuance response`);
    t.notOk(response.headers['set-cookie'], `${what}: no cookie for a program`);
  }
  const vc = await p.get(path, { accept: 'application/vc' });
  t.equal(vc.statusCode, 200);
  t.match(vc.headers['content-type'], /^application\/vc(;|$)/, 'application/vc when asked for');
  t.equal(vc.body, amina.bytes);
  t.same(JSON.parse(vc.body), amina.credential, 'and it parses to the issued credential');
});

t.test('?format= overrides the Accept header', async (t) => {
  const json = await p.get(`${path}?format=json`, browser());
  t.equal(json.statusCode, 200);
  t.match(json.headers['content-type'], /^application\/json/, 'a browser asking for ?format=json gets JSON');
  t.equal(json.body, amina.bytes);

  for (const headers of [{ accept: '*/*' }, {}, { accept: 'application/json' }]) {
    const page = assertPage(t, await p.get(`${path}?format=html`, headers), 200, `?format=html with ${JSON.stringify(headers)}`);
    t.equal(page.h1, valid);
  }

  for (const headers of [browser(), { accept: 'application/json' }]) {
    const bad = await p.get(`${path}?format=xml`, headers);
    t.equal(bad.statusCode, 400, `?format=xml: refused (${JSON.stringify(headers)})`);
  }
  assertPage(t, await p.get(`${path}?format=xml`, browser()), 400, 'a browser is told on a page');
  assertProblem(t, await p.get(`${path}?format=xml`, { accept: 'application/json' }), 400, 'validation', 'a program gets a problem');
});

t.test('HEAD answers like GET, without a body', async (t) => {
  const page = await p.app.inject({ method: 'HEAD', url: path, headers: browser() });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.equal(page.body, '');
  const json = await p.app.inject({ method: 'HEAD', url: path, headers: { accept: 'application/json' } });
  t.equal(json.statusCode, 200);
  t.match(json.headers['content-type'], /^application\/json/);
  t.equal(json.body, '');
});

t.test('every answer varies on Accept; the page also on what picks the language', async (t) => {
  for (const [what, headers, url, expected] of [
    ['page', browser(), path, ['accept', 'accept-language', 'cookie']],
    ['page by ?format', {}, `${path}?format=html`, ['accept', 'accept-language', 'cookie']],
    ['page with a cookie', browser({ cookie: 'lang=fr' }), path, ['accept', 'accept-language', 'cookie']],
    ['JSON', { accept: 'application/json' }, path, ['accept']],
    ['application/vc', { accept: 'application/vc' }, path, ['accept']],
    ['JSON by ?format', browser(), `${path}?format=json`, ['accept']],
    // the signed bytes are the same whatever the language: a cache keeps one copy
    ['JSON with a language', { accept: 'application/json', 'accept-language': 'fr', cookie: 'lang=ar' }, path, ['accept']],
  ] as const) {
    const response = await p.get(url, headers);
    t.equal(response.statusCode, 200, what);
    const vary = String(response.headers.vary ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase());
    t.same(vary, expected, `${what}: Vary ${response.headers.vary}`);
  }
  const json = await p.get(path, { accept: 'application/json', 'if-none-match': (await p.get(path, { accept: 'application/json' })).headers.etag as string });
  t.equal(json.statusCode, 304);
  t.equal(json.headers.vary, 'Accept', 'the 304 of the JSON too');
});

t.test('a credential that does not exist: a localised page for a browser, a problem for a program', async (t) => {
  for (const id of [randomUUID(), 'not-a-uuid', '00000000-0000-0000-0000-000000000000', `${amina.id}x`]) {
    for (const language of ['en', 'fr', 'ar', 'zh'] as const) {
      const response = await p.get(`/credentials/${id}?lang=${language}`, browser());
      const page = assertPage(t, response, 404, `${id} in ${language}`);
      t.equal(page.lang, language, `${id}: <html lang>`);
      t.equal(page.h1, pageCatalogues[language].errors.title);
      t.ok(page.text.includes(pageCatalogues[language].errors.credentialNotFound), `${id} in ${language}: says there is no credential at this address`);
      t.equal(response.headers['cache-control'], 'no-store', 'an error page is not cached');
      t.match(response.headers['x-robots-tag'], /noindex/);
    }
    for (const headers of [{}, { accept: '*/*' }, { accept: 'application/json' }, { accept: 'application/vc' }]) {
      const body = assertProblem(t, await p.get(`/credentials/${id}`, headers), 404, 'not-found', `${id} for ${JSON.stringify(headers)}`);
      t.equal(body.instance, `/credentials/${id}`);
      t.match(body.detail, /No credential has the id/);
    }
    // ?format wins for errors too
    assertPage(t, await p.get(`/credentials/${id}?format=html`), 404, `${id}?format=html`);
    assertProblem(t, await p.get(`/credentials/${id}?format=json`, browser()), 404, 'not-found', `${id}?format=json`);
  }
  // an id too long for the route: a client error, never a 500
  assertPage(t, await p.get(`/credentials/${'a'.repeat(101)}`, browser()), 400, 'an over-long id, browser');
  assertProblem(t, await p.get(`/credentials/${'a'.repeat(101)}`), 400, 'validation', 'an over-long id, program');
});

t.test('the page links to the JSON that the negotiation serves', async (t) => {
  const page = await p.get(path, browser());
  const link = /<link rel="alternate" type="application\/vc" href="([^"]+)">/.exec(page.body)?.[1];
  t.equal(link, `${BASE_URL}${path}`, 'an alternate link of type application/vc names the credential');
  const json = await p.get(new URL(link!).pathname, { accept: 'application/vc' });
  t.equal(json.body, amina.bytes);
});
