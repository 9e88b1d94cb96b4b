import { escapeHtml } from '../../../src/web/html.js';
import t from 'tap';
import type { Language } from '../../../src/lib/i18n.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { assertPage, browser, definition, elements, type Injected, LANGUAGES, multipart, pageApp, urlencoded } from './page-support.js';

// The verify page's second form as browsers send it (multipart/form-data): an uploaded .json file, pasted JSON,
// an empty file input beside pasted JSON; an upload over BODY_LIMIT_BYTES is a localised 413 page, never a 500.

const LIMIT = 20_000;
const p = await pageApp(t, { BODY_LIMIT_BYTES: String(LIMIT) });
const { app } = p;
const amina = await p.issueFor('Amina El-Sayed');
t.ok(Buffer.byteLength(amina.bytes) < LIMIT / 2, 'a credential is far below the limit');

type Part = Parameters<typeof multipart>[0][number];
const upload = (parts: Part[], language: Language = 'en') => {
  const body = multipart(parts);
  return app.inject({ method: 'POST', url: `/verify?lang=${language}`, payload: body.payload, headers: browser(body.headers) });
};
const file = (content: string | Buffer, filename = 'credential.json'): Part => ({ name: 'file', value: content, filename, type: 'application/json' });
const json = (content: string): Part => ({ name: 'json', value: content });
/** What the browser sends for a file input left empty. */
const noFile: Part = { name: 'file', value: '', filename: '', type: 'application/octet-stream' };

function problemText(response: Injected) {
  return /<p id="problem-text">([^<]*)<\/p>/.exec(response.body)?.[1];
}
const sizeIn = (language: Language) => `${new Intl.NumberFormat(language === 'zh' ? 'zh-CN' : language).format(20)} KB`;

t.test('an uploaded credential file: the report', async (t) => {
  for (const language of LANGUAGES) {
    const response = await upload([json(''), file(amina.bytes)], language);
    const page = assertPage(t, response, 200, `upload in ${language}`);
    t.equal(page.h1, pageCatalogues[language].verdicts.valid.title, `${language}: valid`);
    t.equal(definition(response.body, pageCatalogues[language].credential.recipient), 'Amina El-Sayed');
    t.equal(page.checks.length, 6);
  }
  const alone = assertPage(t, await upload([file(amina.bytes, 'my badge.json')]), 200, 'the file alone');
  t.equal(alone.h1, pageCatalogues.en.verdicts.valid.title);
  const asVc = assertPage(t, await upload([{ name: 'file', value: amina.bytes, filename: 'c.vc', type: 'application/vc' }]), 200, 'any file type');
  t.equal(asVc.h1, pageCatalogues.en.verdicts.valid.title);
  const withBom = assertPage(t, await upload([file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(amina.bytes)]))]), 200, 'a file saved with a BOM');
  t.equal(withBom.h1, pageCatalogues.en.verdicts.valid.title, 'the byte order mark is ignored');

  const tampered = amina.bytes.replace('"Amina El-Sayed"', '"Amina El-Sayad"');
  const changed = assertPage(t, await upload([file(tampered)], 'ar'), 200, 'a tampered file');
  t.equal(changed.h1, pageCatalogues.ar.verdicts.invalid.title, 'shown as altered');
});

t.test('pasted JSON with an empty file input: works', async (t) => {
  for (const language of ['en', 'zh'] as const) {
    const response = await upload([json(amina.bytes), noFile], language);
    const page = assertPage(t, response, 200, `pasted with an empty file input (${language})`);
    t.equal(page.h1, pageCatalogues[language].verdicts.valid.title);
  }
  const first = assertPage(t, await upload([noFile, json(amina.bytes)]), 200, 'the empty file input first');
  t.equal(first.h1, pageCatalogues.en.verdicts.valid.title);
  const codeField = await upload([{ name: 'code', value: amina.shortCode }, noFile]);
  t.equal(codeField.statusCode, 303, 'a code sent as multipart works too');
});

t.test('a file and pasted JSON at once: 400', async (t) => {
  for (const language of ['en', 'ar'] as const) {
    const response = await upload([json(amina.bytes), file(amina.bytes)], language);
    const page = assertPage(t, response, 400, `both in ${language}`);
    t.equal(page.lang, language);
    t.equal(problemText(response), pageCatalogues[language].errors.tooManyInputs, `${language}: one thing at a time`);
  }
});

t.test('nothing, or not a credential, uploaded', async (t) => {
  const nothing = await upload([json(''), noFile], 'fr');
  assertPage(t, nothing, 400, 'an empty form');
  t.equal(problemText(nothing), pageCatalogues.fr.errors.nothingToVerify);
  const garbage = await upload([file('not json at all')], 'fr');
  assertPage(t, garbage, 400, 'a file that is not JSON');
  t.ok(problemText(garbage)?.startsWith(pageCatalogues.fr.errors.notJson({ reason: '@' }).split('(')[0]!), `not JSON (${problemText(garbage)})`);
  const image = await upload([file(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'photo.png')], 'en');
  assertPage(t, image, 400, 'a PNG');
  const array = await upload([file('[1,2,3]')], 'zh');
  assertPage(t, array, 422, 'an array');
  t.equal(problemText(array), pageCatalogues.zh.errors.notCredential);
});

t.test('a file over the limit: 413, localised', async (t) => {
  const big = JSON.stringify({ ...amina.credential, padding: 'x'.repeat(LIMIT + 1_000) });
  for (const language of LANGUAGES) {
    const response = await upload([json(''), file(big)], language);
    const page = assertPage(t, response, 413, `too large in ${language}`);
    t.equal(page.lang, language);
    t.equal(page.h1, pageCatalogues[language].verify.title, 'back on the verify page');
    t.equal(problemText(response), pageCatalogues[language].errors.fileTooLarge({ size: sizeIn(language) }), `${language}: the file is larger than ${sizeIn(language)}`);
    t.match(page.text, pageCatalogues[language].verify.fileHint({ size: sizeIn(language) }), 'the hint says the limit too');
  }
  const pasted = await upload([json(big)], 'ar');
  assertPage(t, pasted, 413, 'pasted JSON over the limit (multipart)');
  t.equal(problemText(pasted), pageCatalogues.ar.errors.fileTooLarge({ size: sizeIn('ar') }));
  const form = urlencoded({ json: big });
  const viaForm = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: form.payload, headers: browser(form.headers) });
  const formPage = assertPage(t, viaForm, 413, 'pasted JSON over the limit (urlencoded)');
  t.equal(formPage.lang, 'fr');
  t.ok(formPage.text.includes(pageCatalogues.fr.errors.fileTooLarge({ size: sizeIn('fr') })), 'the same explanation');

  const justUnder = JSON.stringify({ ...amina.credential, padding: 'x'.repeat(LIMIT - Buffer.byteLength(amina.bytes) - 200) });
  const fits = await upload([file(justUnder)]);
  t.equal(fits.statusCode, 200, 'a file just under the limit is verified');
  t.equal(assertPage(t, fits, 200, 'just under').h1, pageCatalogues.en.verdicts.invalid.title, 'and an added member breaks the signature');
});

t.test('malformed multipart: a client error page', async (t) => {
  const cut = multipart([file(amina.bytes)]);
  const truncated = await app.inject({
    method: 'POST',
    url: '/verify?lang=en',
    payload: cut.payload.subarray(0, cut.payload.length - 30),
    headers: browser(cut.headers),
  });
  t.ok(truncated.statusCode >= 400 && truncated.statusCode < 500, `a body cut short: ${truncated.statusCode}`);
  t.match(truncated.headers['content-type'], /^text\/html/);
  const noBoundary = await app.inject({ method: 'POST', url: '/verify?lang=en', payload: 'hello', headers: browser({ 'content-type': 'multipart/form-data' }) });
  t.ok(noBoundary.statusCode >= 400 && noBoundary.statusCode < 500, `no boundary: ${noBoundary.statusCode}`);
  t.match(noBoundary.headers['content-type'], /^text\/html/);
  const manyFiles = await upload([file(amina.bytes), file(amina.bytes, 'second.json')]);
  t.equal(manyFiles.statusCode, 400, 'two files: one thing at a time, not "too large"');
  t.ok(manyFiles.body.includes(escapeHtml(pageCatalogues.en.errors.tooManyInputs)), 'says to send one thing');
  t.match(manyFiles.headers['content-type'], /^text\/html/);
  t.equal(elements(manyFiles.body, 'form').length, 2, 'the forms to try again');
});
