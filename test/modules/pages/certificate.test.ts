import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { credentials } from '../../../src/db/schema/index.js';
import { DEMO_CENTRE, DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL } from '../../helper.js';
import { testClock } from '../../support/clock.js';
import { act, secondsAhead } from '../../support/lifecycle.js';
import { assertPage, assertProblem, browser, elements, issuedFrom, LANGUAGES, languageCookie, pageApp } from './page-support.js';

// GET /credentials/:id/certificate.pdf through HTTP: a PDF for every language, carrying the recipient, the course,
// the centre and the code as text (read back with pdf.js); a missing credential is a page for a browser and a
// problem for a program. None for a credential that does not hold (revoked, replaced, suspended, altered): 409, and
// its page offers no button; an expired one still prints.

const clock = testClock();
const p = await pageApp(t, {}, { clock });
const amina = await p.issueFor('Amina El-Sayed');
const arabicName = await p.issueFor('أميرة حسن');

/** The PDF's text as pdf.js extracts it from the glyphs (whitespace removed), and its paragraphs as written (ActualText). */
async function readPdf(pdf: Buffer) {
  const document = await getDocument({ data: new Uint8Array(pdf), isOffscreenCanvasSupported: false, verbosity: 0 }).promise;
  try {
    const page = await document.getPage(1);
    const content = await page.getTextContent();
    const glyphText = content.items
      .map((item) => ('str' in item ? item.str : ''))
      .join('')
      .replace(/\s+/gu, '');
    type Node = { role?: string; alt?: string; children?: Node[] };
    const paragraphs: string[] = [];
    const visit = (node: Node | null) => {
      if (!node) return;
      if (node.alt !== undefined) paragraphs.push(node.alt);
      node.children?.forEach(visit);
    };
    visit((await page.getStructTree()) as Node | null);
    const [, , width, height] = page.view as number[];
    return { pages: document.numPages, glyphText, paragraphs, width: width!, height: height! };
  } finally {
    await document.destroy();
  }
}
const squeeze = (text: string) => text.replace(/\s+/gu, '');

t.test('a PDF in each language, with the name, the course, the centre and the code as text', async (t) => {
  for (const language of LANGUAGES) {
    const response = await p.get(`/credentials/${amina.id}/certificate.pdf?lang=${language}`, browser());
    t.equal(response.statusCode, 200, language);
    t.equal(response.headers['content-type'], 'application/pdf');
    t.equal(response.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-', `${language}: starts with %PDF`);
    t.match(response.headers['content-disposition'], new RegExp(`^inline; filename="certificate-${amina.shortCode}\\.pdf"$`));
    t.match(response.headers['x-robots-tag'], /noindex/);
    t.notOk(languageCookie(response), 'a ?lang= alone remembers nothing');
    t.equal(response.headers['cache-control'], 'private, max-age=300', 'kept by the browser for five minutes at most');
    const pdf = await readPdf(response.rawPayload);
    t.equal(pdf.pages, 1, 'one page');
    t.ok(pdf.width > pdf.height && Math.abs(pdf.width - 841.89) < 1 && Math.abs(pdf.height - 595.28) < 1, `A4 landscape (${pdf.width} × ${pdf.height})`);
    t.ok(pdf.glyphText.includes(amina.shortCode), `${language}: the short code`);
    t.ok(pdf.glyphText.includes(squeeze('Amina El-Sayed')), `${language}: the recipient`);
    t.ok(pdf.glyphText.includes(`${BASE_URL}/v/${amina.shortCode}`), `${language}: the short link`);
    t.ok(pdf.paragraphs.includes('Amina El-Sayed'), `${language}: the recipient as written`);
    t.ok(pdf.paragraphs.some((paragraph) => paragraph.includes(DEMO_COURSES[0]!.name[language]!)), `${language}: the course in the language`);
    t.ok(pdf.paragraphs.some((paragraph) => paragraph.includes(DEMO_CENTRE.name[language])), `${language}: the centre in the language`);
    t.ok(pdf.paragraphs.includes(pageCatalogues[language].certificate.scan), `${language}: scan to check the current status`);
    if (language !== 'ar') t.ok(pdf.glyphText.includes(squeeze(pageCatalogues[language].certificate.title)), `${language}: the title drawn as text`);
  }
});

t.test('an Arabic name on an Arabic certificate', async (t) => {
  const response = await p.get(`/credentials/${arabicName.id}/certificate.pdf?lang=ar`);
  t.equal(response.statusCode, 200);
  const pdf = await readPdf(response.rawPayload);
  t.ok(pdf.paragraphs.includes('أميرة حسن'), 'the name as written, in logical order');
  t.ok(pdf.glyphText.includes(arabicName.shortCode), 'the code');
  t.ok(pdf.paragraphs.includes(pageCatalogues.ar.certificate.title), 'the Arabic title');
});

t.test('the language by cookie or Accept-Language, like the page', async (t) => {
  const byCookie = await readPdf((await p.get(`/credentials/${amina.id}/certificate.pdf`, { cookie: 'lang=zh' })).rawPayload);
  t.ok(byCookie.paragraphs.includes(pageCatalogues.zh.certificate.title), 'Chinese by cookie');
  const byHeader = await readPdf((await p.get(`/credentials/${amina.id}/certificate.pdf`, { 'accept-language': 'fr-CH,fr;q=0.9' })).rawPayload);
  t.ok(byHeader.paragraphs.includes(pageCatalogues.fr.certificate.title), 'French by Accept-Language');
  const unknown = await p.get(`/credentials/${amina.id}/certificate.pdf?lang=xx`);
  t.equal(unknown.statusCode, 200, 'an unknown ?lang= falls back');
  t.notOk(languageCookie(unknown));
  const remembered = await p.get(`/credentials/${amina.id}/certificate.pdf?lang=ar&remember=1`);
  t.equal(remembered.statusCode, 200);
  t.equal(languageCookie(remembered)?.value, 'ar', 'remembered only when asked to (&remember=1)');
});

t.test('a credential that does not exist', async (t) => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
    for (const language of ['en', 'ar'] as const) {
      const page = assertPage(t, await p.get(`/credentials/${id}/certificate.pdf?lang=${language}`, browser()), 404, `${id}, browser, ${language}`);
      t.equal(page.lang, language);
      t.ok(page.text.includes(pageCatalogues[language].errors.credentialNotFound), `${language}: no credential at this address`);
    }
    for (const headers of [{}, { accept: 'application/pdf' }, { accept: 'application/json' }]) {
      assertProblem(t, await p.get(`/credentials/${id}/certificate.pdf`, headers), 404, 'not-found', `${id} ${JSON.stringify(headers)}`);
    }
  }
  const tooLong = await p.get(`/credentials/${'a'.repeat(101)}/certificate.pdf`, browser());
  assertPage(t, tooLong, 400, 'an over-long id');
});

/** The page's "download the certificate" link, if it has one. */
const pdfLinkOf = (body: string, id: string) => elements(body, 'a').find((a) => a.href?.startsWith(`/credentials/${id}/certificate.pdf`));

/** A credential that no longer holds: no button on its page, and a 409 for the PDF (a localised page, or a problem). */
async function assertNotPrintable(t: Test, id: string, verdict: string) {
  for (const language of LANGUAGES) {
    const page = await p.get(`/credentials/${id}?lang=${language}`, browser());
    t.equal(assertPage(t, page, 200, `${verdict} page in ${language}`).h1, pageCatalogues[language].verdicts[verdict as 'revoked'].title, `${language}: ${verdict}`);
    t.notOk(pdfLinkOf(page.body, id), `${language}: no certificate button on the ${verdict} page`);
    t.notOk(page.body.includes(pageCatalogues[language].actions.downloadPdf), `${language}: nor its words`);
    t.ok(elements(page.body, 'a').some((a) => a.href === `/credentials/${id}?format=json`), `${language}: the JSON download stays`);

    const refused = await p.get(`/credentials/${id}/certificate.pdf?lang=${language}`, browser());
    const refusal = assertPage(t, refused, 409, `${verdict} certificate for a browser in ${language}`);
    t.equal(refusal.lang, language, `${language}: the refusal in the page language`);
    t.equal(refusal.dir, language === 'ar' ? 'rtl' : 'ltr');
    t.equal(refusal.h1, pageCatalogues[language].errors.title);
    t.ok(refusal.text.includes(pageCatalogues[language].errors.notPrintable), `${language}: no certificate for a credential that no longer holds`);
    t.equal(refused.headers['cache-control'], 'no-store', 'an error page is not cached');
  }
  for (const headers of [{}, { accept: 'application/pdf' }, { accept: 'application/json' }]) {
    const problem = assertProblem(t, await p.get(`/credentials/${id}/certificate.pdf`, headers), 409, 'not-printable', `${verdict} ${JSON.stringify(headers)}`);
    t.equal(problem.title, 'Conflict');
    t.match(problem.detail, new RegExp(`\\b${verdict}\\b`), `the detail names the verdict (${problem.detail})`);
    t.equal(problem.instance, `/credentials/${id}/certificate.pdf`);
  }
}

t.test('a valid credential: the page offers the certificate', async (t) => {
  for (const language of LANGUAGES) {
    const { body } = await p.get(`/credentials/${amina.id}?lang=${language}`, browser());
    t.equal(pdfLinkOf(body, amina.id)?.href, `/credentials/${amina.id}/certificate.pdf?lang=${language}`, `${language}: the button, in the page language`);
  }
});

t.test('revoked: no certificate', async (t) => {
  const credential = await p.issueFor('Revoked Person');
  t.equal((await p.get(`/credentials/${credential.id}/certificate.pdf`)).statusCode, 200, 'printed while it holds');
  t.equal((await act(p.app, p.token, credential.id, 'revoke', { reason: 'issued in error' })).statusCode, 200);
  await assertNotPrintable(t, credential.id, 'revoked');
});

t.test('suspended: no certificate, until the suspension is lifted', async (t) => {
  const credential = await p.issueFor('Suspended Person');
  t.equal((await act(p.app, p.token, credential.id, 'suspend', { reason: 'under review' })).statusCode, 200);
  await assertNotPrintable(t, credential.id, 'suspended');
  t.equal((await act(p.app, p.token, credential.id, 'unsuspend', { reason: 'review done' })).statusCode, 200);
  const again = await p.get(`/credentials/${credential.id}/certificate.pdf?lang=fr`, browser());
  t.equal(again.statusCode, 200, 'printable again at once');
  t.equal(again.headers['content-type'], 'application/pdf');
  t.ok(pdfLinkOf((await p.get(`/credentials/${credential.id}?lang=fr`, browser())).body, credential.id), 'and the button is back');
});

t.test('replaced by a correction: none for the old one, one for the new', async (t) => {
  const old = await p.issueFor('Amina El-Sayd');
  const reissued = await act(p.app, p.token, old.id, 'reissue', { changes: { recipient: { name: 'Amina El-Sayed' } }, reason: 'name misspelt' });
  t.equal(reissued.statusCode, 201, reissued.body);
  const current = await issuedFrom(p.app, p.token, reissued.body);
  await assertNotPrintable(t, old.id, 'superseded');
  const pdf = await p.get(`/credentials/${current.id}/certificate.pdf`);
  t.equal(pdf.statusCode, 200, 'the correction prints');
  t.ok((await readPdf(pdf.rawPayload)).paragraphs.includes('Amina El-Sayed'), 'with the corrected name');
});

t.test('altered in storage (the signature no longer matches): no certificate', async (t) => {
  const credential = await p.issueFor('Altered Person');
  await p.app.ctx.db
    .update(credentials)
    .set({ document: credential.bytes.replace('"Altered Person"', '"Altared Person"') })
    .where(eq(credentials.id, credential.id));
  p.app.ctx.lookups.clear();
  await assertNotPrintable(t, credential.id, 'invalid');
});

t.test('expired: still printed, with its dates', async (t) => {
  const until = secondsAhead(2000, clock.now());
  const credential = await p.issueFor('Expired Person', { validUntil: until });
  clock.advancePast(until);
  for (const language of ['en', 'zh'] as const) {
    const page = await p.get(`/credentials/${credential.id}?lang=${language}`, browser());
    t.equal(assertPage(t, page, 200, `expired in ${language}`).h1, pageCatalogues[language].verdicts.expired.title, `${language}: expired`);
    t.equal(pdfLinkOf(page.body, credential.id)?.href, `/credentials/${credential.id}/certificate.pdf?lang=${language}`, `${language}: the button stays`);
    const pdf = await p.get(`/credentials/${credential.id}/certificate.pdf?lang=${language}`, browser());
    t.equal(pdf.statusCode, 200, `${language}: printed`);
    t.equal(pdf.headers['content-type'], 'application/pdf');
    t.ok((await readPdf(pdf.rawPayload)).paragraphs.includes('Expired Person'), `${language}: the recipient`);
  }
});
