import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import t from 'tap';
import { DEMO_CENTRE, DEMO_COURSES } from '../../../src/modules/demo/data.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL } from '../../helper.js';
import { assertPage, assertProblem, browser, LANGUAGES, languageCookie, pageApp } from './page-support.js';

// GET /credentials/:id/certificate.pdf through HTTP: a PDF for every language, carrying the recipient, the course,
// the centre and the code as text (read back with pdf.js); a missing credential is a page for a browser and a
// problem for a program.

const p = await pageApp(t);
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
    t.equal(languageCookie(response)?.value, language, 'the language choice is remembered');
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
