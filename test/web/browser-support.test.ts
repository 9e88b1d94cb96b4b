import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { axeViolations, launchBrowser, openPage, saveScreenshot } from '../support/browser.js';

// The browser support itself, on static pages from a node:http server (no app, no database): JavaScript off and
// on, problems recorded, external requests blocked, axe-core really running, screenshots, and Arabic and Chinese
// glyphs drawn from our fonts rather than as missing-glyph boxes.

const ENGLISH = 'Certificate of completion';
const ARABIC = 'شهادة إتمام الدورة';
const CHINESE = '结业证书';
const CJK_SAMPLE = '中文字体测试';
const ARABIC_SAMPLE = 'العربية';
// Private-use characters: no font has them, so each is drawn as the missing-glyph box ("tofu"), exactly as a
// Chinese or Arabic letter is when its font is missing.
const tofu = (sample: string) => '\u{E000}'.repeat([...sample].length);

const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const body = (content: string) => `<main>
  <h1>${ENGLISH}</h1>
  <section lang="ar" dir="rtl" id="ar"><h2>${ARABIC}</h2><p>منحت إلى المعلمة فاطمة.</p></section>
  <section lang="zh-CN" id="zh"><h2>${CHINESE}</h2><p>授予李老师。</p></section>
  ${content}
</main>`;

// Everything right: a strict Content-Security-Policy, styles from a file, every image with a text alternative.
const CLEAN = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${ENGLISH}</title><link rel="stylesheet" href="/style.css"></head>
<body>${body(`<h2>Fonts</h2>
  <p><span class="sample" id="cjk" lang="zh-CN">${CJK_SAMPLE}</span> <span class="sample" id="cjk-tofu">${tofu(CJK_SAMPLE)}</span></p>
  <p><span class="sample" id="arabic" lang="ar" dir="rtl">${ARABIC_SAMPLE}</span> <span class="sample" id="arabic-tofu">${tofu(ARABIC_SAMPLE)}</span></p>
  <img src="/pixel.png" alt="IIOE seal">`)}</body></html>`;
const CSS = 'body { font-family: sans-serif; margin: 2rem; } .sample { font-size: 32px; display: inline-block; padding: 4px; }';

// Everything wrong: an image without alt, an external image, a missing one, and an inline script that logs an
// error.
const DIRTY = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${ENGLISH}</title></head>
<body>${body(`<img id="no-alt" src="/pixel.png">
  <img src="https://example.com/x.png" alt="from elsewhere">
  <img src="/missing.png" alt="gone">
  <script>document.body.dataset.script = 'ran'; console.error('boom from an inline script');</script>`)}</body></html>`;

const server = createServer((request, response) => {
  const send = (status: number, type: string, content: string | Buffer, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': type, ...headers });
    response.end(content);
  };
  if (request.url === '/clean') send(200, 'text/html; charset=utf-8', CLEAN, { 'content-security-policy': "default-src 'self'" });
  else if (request.url === '/dirty') send(200, 'text/html; charset=utf-8', DIRTY);
  else if (request.url === '/style.css') send(200, 'text/css', CSS);
  else if (request.url === '/pixel.png') send(200, 'image/png', PIXEL);
  else send(404, 'text/html; charset=utf-8', '<!doctype html><html lang="en"><title>Not found</title><h1>Not found</h1></html>');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const launchStarted = Date.now();
const browser = await launchBrowser();
t.comment(`browser launched in ${Date.now() - launchStarted} ms`);
t.teardown(async () => {
  await browser.close();
  server.close();
});

const byText = <T extends { text: string }>(items: T[]) => [...items].sort((a, b) => a.text.localeCompare(b.text));

for (const javaScript of [false, true]) {
  t.test(`a clean page with JavaScript ${javaScript ? 'on' : 'off'}: readable, no problems, no serious violations`, async (t) => {
    const opened = Date.now();
    const { page, response, problems, weight } = await openPage(browser, `${base}/clean`, { javaScript, locale: 'ar' });
    t.comment(`opened in ${Date.now() - opened} ms`);
    t.equal(response.status(), 200);
    t.equal(await page.locator('h1').textContent(), ENGLISH);
    t.equal(await page.locator('#ar h2').textContent(), ARABIC);
    t.equal(await page.locator('#zh h2').textContent(), CHINESE);
    t.equal(await page.evaluate(`getComputedStyle(document.getElementById('ar')).direction`), 'rtl');
    t.equal(await page.evaluate('navigator.language'), 'ar', 'the locale reaches the page');
    t.equal(await page.evaluate(`getComputedStyle(document.body).fontFamily`), 'sans-serif', 'the stylesheet applied');
    const axeStarted = Date.now();
    t.same(await axeViolations(page), [], 'no serious or critical violations, under a strict CSP too');
    t.comment(`axe ran in ${Date.now() - axeStarted} ms`);
    t.same(problems, []);
    const { document, total, resources } = await weight();
    t.equal(document, Buffer.byteLength(CLEAN), 'the document weighs its bytes');
    t.equal(total, Buffer.byteLength(CLEAN) + Buffer.byteLength(CSS) + PIXEL.length, 'the total counts the document, the stylesheet and the image');
    t.same(resources.map((resource) => resource.type).sort(), ['document', 'image', 'stylesheet']);
  });

  t.test(`a dirty page with JavaScript ${javaScript ? 'on' : 'off'}: problems recorded, external request blocked, axe finds the missing alt`, async (t) => {
    const { page, problems } = await openPage(browser, `${base}/dirty`, { javaScript });
    t.equal(await page.evaluate('document.body.dataset.script ?? null'), javaScript ? 'ran' : null, 'the inline script ran only with JavaScript on');
    t.same(
      byText(problems),
      byText([
        { kind: 'blocked', text: 'GET https://example.com/x.png' },
        { kind: 'http', text: `GET ${base}/missing.png: 404` },
        ...(javaScript ? [{ kind: 'console' as const, text: 'boom from an inline script' }] : []),
      ]),
    );
    const violations = await axeViolations(page);
    t.same(
      violations.map(({ id, impact, targets }) => ({ id, impact, targets })),
      [{ id: 'image-alt', impact: 'critical', targets: ['#no-alt'] }],
      'axe ran in the page, JavaScript or not',
    );
    t.match(violations[0]?.help, /alternative text/);
    t.same(await axeViolations(page, { impacts: ['minor'] }), [], 'other impacts are left out');
  });
}

t.test('the main document may fail without it being a problem: its status is on the response', async (t) => {
  const { page, response, problems } = await openPage(browser, `${base}/nowhere`, { javaScript: false });
  t.equal(response.status(), 404);
  t.equal(await page.locator('h1').textContent(), 'Not found');
  t.same(problems, []);
});

t.test('only pages on this machine open', async (t) => {
  await t.rejects(openPage(browser, 'https://example.com/', { javaScript: false }), /not on this machine/);
});

t.test('Arabic and Chinese are drawn with their fonts, not as missing-glyph boxes; a screenshot is saved', async (t) => {
  const { page } = await openPage(browser, `${base}/clean`, { javaScript: false });
  // Widths, not pixels: two runs of identical boxes can still differ in their pixels (sub-pixel positions).
  const width = async (selector: string) => (await page.locator(selector).boundingBox())?.width ?? 0;
  const [cjk, cjkTofu, arabic, arabicTofu] = await Promise.all([width('#cjk'), width('#cjk-tofu'), width('#arabic'), width('#arabic-tofu')]);
  // Noto Sans SC's ideographs are 1 em wide: six of them at 32px, plus 2 × 4px padding (boxes: ≈ 123px)
  t.ok(Math.abs(cjk - (6 * 32 + 8)) < 2, `the Chinese sample is six full-width ideographs wide (${cjk}px; as boxes ${cjkTofu}px)`);
  // Noto Sans Arabic joins the seven letters into one narrow word (≈ 88px); as boxes they are ≈ 142px wide
  t.ok(arabic < arabicTofu * 0.8, `the Arabic sample is shaped, not boxes (${arabic}px; as boxes ${arabicTofu}px)`);
  const path = await saveScreenshot(page, 'browser-support');
  const png = await readFile(path);
  t.same([...png.subarray(1, 4)], [...Buffer.from('PNG')], `${path} is a PNG`);
  t.ok(png.length > 5000, 'with something drawn in it');
  await t.rejects(saveScreenshot(page, '../escape'), /plain file name/);
});
