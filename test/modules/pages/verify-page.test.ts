import { randomUUID } from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as stockCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import t, { type Test } from 'tap';
import type { Language } from '../../../src/lib/i18n.js';
import { setCentreStatus } from '../../../src/modules/centres/service.js';
import { DEMO_CENTRE } from '../../../src/modules/demo/data.js';
import { centreDid } from '../../../src/vc/did-web.js';
import { signCredential, withProofArray } from '../../../src/vc/sign.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL, createCentreWithClient, issue } from '../../helper.js';
import { outsideContextLoader as contextLoader } from '../../support/outside-contexts.js';
import { assertPage, browser, decode, definition, elements, type Headers, innerOf, type Injected, LANGUAGES, pageApp, urlencoded } from './page-support.js';

// GET /verify and the plain form posts (application/x-www-form-urlencoded): a code, a link or an id of ours leads
// to the credential page; pasted JSON is verified as given (tampering shows); anything else is a localised
// explanation on the verify page with what was entered given back, never a 500.

const p = await pageApp(t);
const { app } = p;
const amina = await p.issueFor('Amina El-Sayed');

const post = (fields: Record<string, string | undefined>, language?: Language, headers: Headers = {}) => {
  const form = urlencoded(fields);
  return app.inject({ method: 'POST', url: language ? `/verify?lang=${language}` : '/verify', payload: form.payload, headers: browser({ ...form.headers, ...headers }) });
};

/** Asserts the verify page came back with an error: status, language, the message, the forms again. */
function assertErrorPage(t: Test, response: Injected, status: number, language: Language, message: string, what: string) {
  const page = assertPage(t, response, status, what);
  t.equal(page.lang, language, `${what}: in ${language}`);
  t.equal(page.h1, pageCatalogues[language].verify.title, `${what}: the verify page`);
  t.match(response.body, /<section class="error" role="alert"/, `${what}: an alert`);
  t.ok(page.text.includes(message), `${what}: says "${message}"`);
  t.equal(response.headers['cache-control'], 'no-store', `${what}: not cached`);
  t.equal(elements(response.body, 'form').length, 2, `${what}: the forms to try again`);
  return page;
}

t.test('GET /verify in each language: two forms, every field labelled', async (t) => {
  for (const language of LANGUAGES) {
    const response = await p.get(`/verify?lang=${language}`, browser());
    const page = assertPage(t, response, 200, language);
    const text = pageCatalogues[language].verify;
    t.equal(page.lang, language);
    t.equal(page.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.equal(page.h1, text.title);
    const forms = elements(response.body, 'form');
    t.equal(forms.length, 2, 'a code form and a credential form');
    t.ok(forms.every((form) => form.method === 'post' && form.action === `/verify?lang=${language}`), 'both post back here, in the language');
    t.equal(forms[1]?.enctype, 'multipart/form-data', 'the credential form can upload a file');
    const labels = elements(response.body, 'label').map((label) => label.for);
    const fields = [...elements(response.body, 'input'), ...elements(response.body, 'textarea')];
    t.same(
      fields.map((field) => [field.id, field.name]),
      [
        ['code', 'code'],
        ['file', 'file'],
        ['json', 'json'],
      ],
      'the fields',
    );
    for (const field of fields) t.ok(labels.includes(field.id!), `${language}: <label for="${field.id}">`);
    t.ok(labels.every((id) => fields.some((field) => field.id === id)), 'no label points nowhere');
    t.match(response.body, new RegExp(`<label for="code">${text.codeLabel}</label>`));
    t.match(response.body, new RegExp(`<label for="file">${text.fileLabel}</label>`));
    t.equal(fields.find((field) => field.id === 'file')?.type, 'file');
    t.ok(page.text.includes(text.fileHint({ size: language === 'ar' ? `${new Intl.NumberFormat('ar').format(1)} MB` : '1 MB' })), 'the size limit, as the language writes it');
  }
  const byCookie = assertPage(t, await p.get('/verify', browser({ cookie: 'lang=zh' })), 200, 'by cookie');
  t.equal(byCookie.lang, 'zh');
});

t.test('a code, a link or an id leads to the credential page (303)', async (t) => {
  const code = amina.shortCode;
  const got = await p.get(`/verify?code=${encodeURIComponent(code)}`, browser());
  t.equal(got.statusCode, 303, 'GET /verify?code=');
  t.equal(got.headers.location, `/credentials/${amina.id}`, 'no ?lang= asked for: none given (the page finds the same language by itself)');
  const gotFr = await p.get(`/verify?code=${encodeURIComponent(code)}&lang=fr`, browser());
  t.equal(gotFr.headers.location, `/credentials/${amina.id}?lang=fr`, 'GET /verify?code=&lang=fr: the language goes along');

  for (const [what, entered] of [
    ['the code, lower case with spaces', `  ${code.toLowerCase().replaceAll('-', ' ')} `],
    ['the code with O for 0 and L for 1', code.replaceAll('0', 'O').replaceAll('1', 'l')],
    ['the public URL', amina.url],
    ['the public URL with ?lang', `${amina.url}?lang=ar`],
    ['the uuid', amina.id],
    ['the uuid in capitals', amina.id.toUpperCase()],
  ] as const) {
    for (const language of ['fr', 'ar'] as const) {
      const response = await post({ code: entered }, language);
      t.equal(response.statusCode, 303, `${what} (${language}): ${response.body.slice(0, 100)}`);
      t.equal(response.headers.location, `/credentials/${amina.id}?lang=${language}`, `${what}: to the page (the stored id, lower case), in ${language}`);
      t.equal(response.body, '', 'a redirect has nothing else to say');
      if (language === 'ar') {
        const followed = assertPage(t, await p.get(response.headers.location as string, browser()), 200, `${what}: followed`);
        t.equal(followed.h1, pageCatalogues.ar.verdicts.valid.title, `${what}: the credential's page`);
      }
    }
  }
  const followed = await p.get((await post({ code: amina.url }, 'zh')).headers.location as string, browser());
  t.equal(assertPage(t, followed, 200, 'the page it leads to').h1, pageCatalogues.zh.verdicts.valid.title);
});

t.test('the redirect carries ?lang= only when the request had a valid one', async (t) => {
  for (const [what, url, headers] of [
    ['no ?lang=', '/verify', {}],
    ['no ?lang=, a remembered language', '/verify', { cookie: 'lang=ar' }],
    ['no ?lang=, Accept-Language', '/verify', { 'accept-language': 'zh' }],
    ['an unknown ?lang=', '/verify?lang=xx', { 'accept-language': 'fr' }],
    ['an empty ?lang=', '/verify?lang=', {}],
  ] as const) {
    const form = urlencoded({ code: amina.id.toUpperCase() });
    const response = await app.inject({ method: 'POST', url, payload: form.payload, headers: browser({ ...form.headers, ...headers }) });
    t.equal(response.statusCode, 303, what);
    t.equal(response.headers.location, `/credentials/${amina.id}`, `${what}: to the page, with no language in the link`);
    t.notOk(response.headers['set-cookie'], `${what}: nothing remembered`);
  }
  const form = urlencoded({ code: amina.shortCode });
  const remembered = await app.inject({ method: 'POST', url: '/verify?lang=fr&remember=1', payload: form.payload, headers: browser(form.headers) });
  t.equal(remembered.headers.location, `/credentials/${amina.id}?lang=fr`, 'the language that was asked for, without remember');
  // the page the redirect leads to finds the visitor's language by itself
  const followed = assertPage(t, await p.get(`/credentials/${amina.id}`, browser({ cookie: 'lang=ar' })), 200, 'followed with the cookie');
  t.equal(followed.lang, 'ar');
  t.equal(followed.h1, pageCatalogues.ar.verdicts.valid.title);
  const capitals = assertPage(t, await p.get(`/credentials/${amina.id.toUpperCase()}?lang=fr`, browser()), 200, 'the page by the uuid in capitals');
  t.equal(capitals.h1, pageCatalogues.fr.verdicts.valid.title, 'the same credential');
});

t.test('the short link from the QR code is a link of ours too', async (t) => {
  const response = await post({ code: `${BASE_URL}/v/${amina.shortCode}` }, 'en');
  t.equal(response.statusCode, 303, response.body.slice(0, 300));
  t.equal(response.headers.location, `/credentials/${amina.id}?lang=en`);
});

t.test('a uuid nobody has leads to a page that says so', async (t) => {
  const id = randomUUID();
  const response = await post({ code: id }, 'fr');
  const page = assertPage(t, response, 404, 'unknown uuid: explained on the form, not after a redirect');
  t.ok(page.text.includes(pageCatalogues.fr.errors.credentialNotFound));
  t.ok(response.body.includes(`value="${id}"`), 'what was entered is given back');
});

t.test('a foreign link: explained, and what was entered is given back, escaped', async (t) => {
  const entered = `https://example.org/credentials/${amina.id}"><script>alert(1)</script>`;
  for (const language of LANGUAGES) {
    const response = await post({ code: entered }, language);
    assertErrorPage(t, response, 422, language, pageCatalogues[language].errors.foreignUrl, `foreign URL in ${language}`);
    t.equal(elements(response.body, 'input').find((input) => input.id === 'code')?.value, entered, `${language}: kept in the field`);
    t.notOk(/<script\b/i.test(response.body), `${language}: escaped, no script`);
    t.ok(response.body.includes('&quot;&gt;&lt;script&gt;'), 'as character references');
    t.match(elements(response.body, 'input').find((input) => input.id === 'code')?.['aria-describedby'], /problem-text/, 'the field points at the explanation');
  }
  for (const lookalike of [`http://localhost:3000.example.org/credentials/${amina.id}`, `${BASE_URL}/credentials/not-a-uuid`, `${BASE_URL}/achievements/${amina.id}`]) {
    assertErrorPage(t, await post({ code: lookalike }, 'en'), 422, 'en', pageCatalogues.en.errors.foreignUrl, lookalike);
  }
});

t.test('a mistyped code: check the code', async (t) => {
  const code = amina.shortCode;
  const typo = `${code.slice(0, 3)}${code[3] === 'A' ? 'B' : 'A'}${code.slice(4)}`;
  for (const language of LANGUAGES) {
    const response = await post({ code: typo }, language);
    assertErrorPage(t, response, 422, language, pageCatalogues[language].errors.codeCheck({ code: typo }), `typo in ${language}`);
    t.equal(elements(response.body, 'input').find((input) => input.id === 'code')?.value, typo, 'the code kept for correction');
  }
  assertErrorPage(t, await post({ code: 'hello' }, 'fr'), 422, 'fr', pageCatalogues.fr.errors.codeFormat({ code: 'hello' }), 'not a code');
  const viaGet = await p.get(`/verify?code=${typo}&lang=ar`, browser());
  assertErrorPage(t, viaGet, 422, 'ar', pageCatalogues.ar.errors.codeCheck({ code: typo }), 'GET /verify?code=typo');
});

t.test('nothing to verify', async (t) => {
  for (const fields of [{}, { code: '' }, { code: '   ', json: '\n\t ' }]) {
    assertErrorPage(t, await post(fields, 'en'), 400, 'en', pageCatalogues.en.errors.nothingToVerify, `nothing: ${JSON.stringify(fields)}`);
  }
  assertErrorPage(t, await post({}, 'ar'), 400, 'ar', pageCatalogues.ar.errors.nothingToVerify, 'nothing, in Arabic');
  const empty = await app.inject({ method: 'POST', url: '/verify?lang=zh', headers: browser() });
  t.not(empty.statusCode, 500, 'a post without a body');
  t.ok(empty.statusCode >= 400 && empty.statusCode < 500);
  t.match(empty.headers['content-type'], /^text\/html/);
  assertErrorPage(t, await p.get('/verify?code=&lang=fr', browser()), 400, 'fr', pageCatalogues.fr.errors.nothingToVerify, 'GET /verify?code= (empty)');
});

t.test('pasted JSON: the report on the page, tampering shown', async (t) => {
  const response = await post({ json: amina.bytes }, 'en');
  const page = assertPage(t, response, 200, 'pasted credential');
  t.equal(page.h1, pageCatalogues.en.verdicts.valid.title, 'valid');
  t.equal(definition(response.body, pageCatalogues.en.credential.recipient), 'Amina El-Sayed');
  t.same(page.checks.map((check) => check.status), ['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
  t.equal(response.headers['cache-control'], 'no-store');
  t.notOk(elements(response.body, 'a').some((a) => a.href?.includes('linkedin')), 'no sharing actions for a pasted copy');

  for (const language of LANGUAGES) {
    const report = assertPage(t, await post({ json: JSON.stringify(amina.credential, null, 2) }, language), 200, `pretty-printed in ${language}`);
    t.equal(report.h1, pageCatalogues[language].verdicts.valid.title, `${language}: valid, however it is formatted`);
  }

  const tampered = amina.bytes.replace('"Amina El-Sayed"', '"Amina El-Sayid"');
  t.not(tampered, amina.bytes, 'one character of the recipient changed');
  for (const language of ['en', 'ar'] as const) {
    const changed = await post({ json: tampered }, language);
    const report = assertPage(t, changed, 200, `tampered in ${language}`);
    t.equal(report.h1, pageCatalogues[language].verdicts.invalid.title, `${language}: not valid: altered`);
    t.equal(report.checks[0]?.status, 'failed', 'the signature check failed');
    t.match(changed.body, /<section class="verdict bad"/);
    t.equal(definition(changed.body, pageCatalogues[language].credential.recipient), 'Amina El-Sayid', 'it shows what the copy says');
  }
});

t.test('the line under the centre\'s name says what the register check found', async (t) => {
  const platformName = app.ctx.config.platform.name;
  const issuerLine = (body: string, language: Language) => definition(body, pageCatalogues[language].credential.issuer);
  /** an unsigned copy of Amina's credential in someone else's name */
  const badgeFrom = (issuer: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const { proof: _proof, ...unsigned } = structuredClone(amina.credential);
    return { ...unsigned, id: `urn:uuid:${randomUUID()}`, issuer, ...extra };
  };

  // one of our centres, recognised, named as the catalogue writes it in the page's language
  for (const language of LANGUAGES) {
    const response = await post({ json: amina.bytes }, language);
    const centre = DEMO_CENTRE.name[language];
    t.equal(issuerLine(response.body, language), `${centre} ${pageCatalogues[language].credential.recognisedBy({ platformName })}`, `${language}: recognised by the platform`);
  }

  // a well-signed credential of an issuer outside the register (a did:key of its own)
  const generated = await Ed25519Multikey.generate();
  const exported = await generated.export({ publicKey: true, secretKey: true, includeContext: true });
  const did = `did:key:${exported.publicKeyMultibase as string}`;
  const key = await Ed25519Multikey.from({ ...exported, id: `${did}#${exported.publicKeyMultibase as string}`, controller: did });
  const foreign = withProofArray(
    await vc.issue({
      credential: badgeFrom({ id: did, type: ['Profile'], name: 'Independent Academy' }),
      suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: stockCryptosuite }),
      documentLoader: contextLoader,
    }),
  );
  for (const language of LANGUAGES) {
    const response = await post({ json: JSON.stringify(foreign) }, language);
    const page = assertPage(t, response, 200, `a foreign issuer in ${language}`);
    t.equal(page.h1, pageCatalogues[language].verdicts['unrecognised-issuer'].title, `${language}: an issuer we cannot vouch for`);
    t.equal(page.checks[0]?.status, 'passed', `${language}: the signature itself is fine`);
    t.equal(issuerLine(response.body, language), `Independent Academy ${pageCatalogues[language].credential.notRecognised}`, `${language}: not in the register`);
  }

  // a centre of ours, suspended: what it signed before stays recognised; what its key signs after is not
  const centre = await createCentreWithClient(p, { slug: 'suspended-page-test' });
  const issued = await issue(app, centre.token, { achievementId: p.achievementId, recipient: { name: 'Sara Ali' } });
  t.equal(issued.statusCode, 201, issued.body);
  const before = issued.json() as { id: string; verifiableCredential: Record<string, any> };
  await setCentreStatus({ ctx: app.ctx, actor: { kind: 'cli', clientUuid: null, staffId: null }, slug: 'suspended-page-test', status: 'suspended', reason: 'test' });
  // proof timestamps have one-second precision: sign in a later second than the suspension
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const signingKey = await app.ctx.keys.activeAssertionKey({ centreId: centre.centre.id, did: centreDid(BASE_URL, 'suspended-page-test') });
  const after = await signCredential({ credential: badgeFrom(before.verifiableCredential.issuer, { validFrom: new Date().toISOString() }), key: signingKey });
  const centreName = before.verifiableCredential.issuer.name as string;
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language];
    const signedAfter = await post({ json: JSON.stringify(after) }, language);
    t.equal(assertPage(t, signedAfter, 200, `signed after the suspension, ${language}`).h1, text.verdicts['unrecognised-issuer'].title);
    t.equal(issuerLine(signedAfter.body, language), `${centreName} ${text.credential.issuerSuspended}`, `${language}: suspended when it signed`);

    const signedBefore = await post({ json: JSON.stringify(before.verifiableCredential) }, language);
    t.equal(assertPage(t, signedBefore, 200, `signed before the suspension, ${language}`).h1, text.verdicts.valid.title, `${language}: still valid`);
    t.equal(issuerLine(signedBefore.body, language), `${centreName} ${text.credential.recognisedBy({ platformName })}`, `${language}: recognised (judged when it signed)`);
    const stored = await p.get(`/credentials/${before.id}?lang=${language}`, browser());
    t.equal(issuerLine(stored.body, language), `${centreName} ${text.credential.recognisedBy({ platformName })}`, `${language}: its page too`);
  }
});

t.test('JSON that is not JSON, or not a credential', async (t) => {
  const garbage = 'this is {not json';
  const reason = parseError(garbage);
  for (const language of LANGUAGES) {
    const response = await post({ json: garbage }, language);
    assertErrorPage(t, response, 400, language, pageCatalogues[language].errors.notJson({ reason }), `garbage in ${language}`);
    t.equal(decodeTextarea(response.body), garbage, 'the pasted text kept');
  }
  const closing = '</textarea><script>alert(1)</script>';
  const escaped = await post({ json: closing }, 'en');
  assertErrorPage(t, escaped, 400, 'en', pageCatalogues.en.errors.notJson({ reason: parseError(closing) }), 'markup pasted');
  t.notOk(/<script\b/i.test(escaped.body), 'no script');
  t.equal(decodeTextarea(escaped.body), closing, 'the textarea holds it as text');

  for (const json of ['[]', '{"a":1}', '42', '"a string"', 'null', '[{"@context":[]}]']) {
    for (const language of ['en', 'ar'] as const) {
      assertErrorPage(t, await post({ json }, language), 422, language, pageCatalogues[language].errors.notCredential, `${json} in ${language}`);
    }
  }
  // What the API's input guard refuses is refused here too, though it arrives as the text of a form field.
  const unreadable = {
    'a NUL character': '{"@context":[],"credentialSubject":{"name":"A\\u0000B"}}',
    'a lone surrogate': '{"@context":[],"credentialSubject":{"name":"\\ud800"}}',
    'deep nesting': `{"@context":[],"credentialSubject":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  };
  for (const [what, json] of Object.entries(unreadable)) {
    for (const language of ['en', 'zh'] as const) {
      assertErrorPage(t, await post({ json }, language), 422, language, pageCatalogues[language].errors.unreadableDocument, `${what} in ${language}`);
    }
  }
  const odd = assertPage(t, await post({ json: '{"@context":"x","credentialSubject":[1,2],"issuer":{"name":{"a":1}}}' }, 'fr'), 200, 'a malformed credential gets a report');
  t.equal(odd.h1, pageCatalogues.fr.verdicts.invalid.title, 'an invalid one');
});

t.test('a code and JSON at once', async (t) => {
  for (const language of ['en', 'ar'] as const) {
    const response = await post({ code: amina.shortCode, json: amina.bytes }, language);
    assertErrorPage(t, response, 400, language, pageCatalogues[language].errors.tooManyInputs, `both in ${language}`);
    t.equal(elements(response.body, 'input').find((input) => input.id === 'code')?.value, amina.shortCode, 'both kept');
    t.equal(decodeTextarea(response.body), amina.bytes);
  }
});

t.test('other bodies: never a 500', async (t) => {
  const asJson = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: { code: amina.shortCode }, headers: browser() });
  t.equal(asJson.statusCode, 303, 'a JSON body with a code');
  const text = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: 'code=x', headers: browser({ 'content-type': 'text/plain' }) });
  t.ok([400, 415].includes(text.statusCode), `text/plain: a client error (${text.statusCode})`);
  t.match(text.headers['content-type'], /^text\/html/);
  const xml = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: '<code/>', headers: browser({ 'content-type': 'application/xml' }) });
  assertPage(t, xml, 415, 'application/xml');
  const broken = await app.inject({ method: 'POST', url: '/verify?lang=fr', payload: '{"code":', headers: browser({ 'content-type': 'application/json' }) });
  assertPage(t, broken, 400, 'broken JSON body');
  const array = urlencoded({});
  const repeated = await app.inject({ method: 'POST', url: '/verify?lang=en', payload: `code=${amina.shortCode}&code=${amina.shortCode}`, headers: browser(array.headers) });
  t.not(repeated.statusCode, 500, `a field sent twice: ${repeated.statusCode}`);
  t.match(repeated.headers['content-type'], /^text\/html/);
  const program = await app.inject({ method: 'POST', url: '/verify', payload: urlencoded({ code: 'nope' }).payload, headers: urlencoded({}).headers });
  assertPage(t, program, 422, 'the verify page answers in HTML whatever the Accept');
});

/** The text inside the JSON textarea, as the browser shows it. */
const decodeTextarea = (markup: string) => decode(innerOf(markup, 'textarea') ?? '');

/** What JSON.parse says about a text (the page quotes it). */
function parseError(text: string) {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${text} is JSON`);
}
