import { randomUUID } from 'node:crypto';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { isolateLatinRuns, LANGUAGES, type Language } from '../../src/lib/i18n.js';
import { pageCatalogues } from '../../src/web/messages/index.js';
import { axeViolations, saveScreenshot } from '../support/browser.js';
import { act } from '../support/lifecycle.js';
import { CENTRE_NAMES, COURSE_NAMES, pageFixture, verdictOf, verdictTitle, waitInPage } from './page-fixtures.js';

// The credential page in a real Chromium, in English, French, Arabic and Chinese, with JavaScript off and on:
// what a reader sees (verdict, names, code, link), that nothing on it fails or reaches outside, its weight, its
// direction and mirrored layout, axe-core, the QR code (decoded, followed, shown), the language switcher and its
// cookie, the page a mistyped credential link gets, and the layout on a phone-width screen.

// src/web/styles.ts `.button,button{display:inline-block}` outranks the user agent's `[hidden]{display:none}`

// src/web/credential-page.ts checkItem renders check.message as plain text; the Arabic check messages
// (src/modules/verification/messages/ar.ts) insert the credential's English course name without isolating it

// jsqr is CommonJS with a default export: under ESM its function is the module's `default`
type DecodeQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = (jsQRModule as unknown as { default: DecodeQr }).default;

const started = Date.now();
const fx = await pageFixture(t);
const [valid, revoked] = await Promise.all([fx.issueCredential('Amina El-Sayed'), fx.issueCredential('فاطمة الزهراء حسن')]);
const revocation = await act(fx.app, fx.token, revoked.id, 'revoke', { reason: 'Issued in error' });
if (revocation.statusCode !== 200) throw new Error(`revocation failed: ${revocation.body}`);
t.teardown(() => t.comment(`file ran in ${Date.now() - started} ms`));

const box = async (page: Page, selector: string) => {
  const found = await page.locator(selector).first().boundingBox();
  if (!found) throw new Error(`${selector} is not rendered`);
  return found;
};
const css = (page: Page, selector: string, property: string) => page.evaluate(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);

/** The page mirrors for Arabic and only for Arabic: the icon, the verdict's accent border, the labels of the details. */
async function checkDirection(t: Test, page: Page, language: Language) {
  const rtl = language === 'ar';
  t.equal(await page.locator('html').getAttribute('lang'), language, '<html lang>');
  t.equal(await page.locator('html').getAttribute('dir'), rtl ? 'rtl' : 'ltr', '<html dir>');
  t.equal(await css(page, 'main', 'direction'), rtl ? 'rtl' : 'ltr', 'computed direction');
  const [icon, heading] = await Promise.all([box(page, '.verdict svg'), box(page, 'h1#verdict')]);
  if (rtl) t.ok(icon.x >= heading.x + heading.width - 1, `the verdict icon is right of the heading (icon x ${icon.x}, heading ends ${heading.x + heading.width})`);
  else t.ok(icon.x + icon.width <= heading.x + 1, `the verdict icon is left of the heading (icon ends ${icon.x + icon.width}, heading x ${heading.x})`);
  // the accent border is on the inline start: right in Arabic
  const [left, right] = [await css(page, '.verdict', 'borderLeftWidth'), await css(page, '.verdict', 'borderRightWidth')];
  t.same(rtl ? [left, right] : [right, left], ['1px', '8px'], `the verdict's accent border is on the ${rtl ? 'right' : 'left'}`);
  const [label, value] = await Promise.all([box(page, 'dl dt'), box(page, 'dl dd')]);
  if (rtl) t.ok(label.x > value.x, 'the first label (dt) is right of its value (dd)');
  else t.ok(label.x < value.x, 'the first label (dt) is left of its value (dd)');
}

for (const language of LANGUAGES) {
  t.test(`the valid credential's page in ${language}`, async (t) => {
    for (const javaScript of [false, true]) {
      await t.test(`JavaScript ${javaScript ? 'on' : 'off'}`, async (t) => {
        const { page, response, problems, weight } = await fx.open(t, `/credentials/${valid.id}?lang=${language}`, { javaScript });
        t.equal(response.status(), 200);
        t.match(response.headers()['content-type'], /^text\/html/);
        t.equal(await verdictOf(page), verdictTitle(language, 'valid'), 'the valid verdict, in words');
        t.equal(await page.locator('.verdict').getAttribute('class'), 'verdict good');
        t.equal((await page.locator('.name').textContent())?.trim(), valid.recipient, 'the recipient');
        // (an Arabic name's "1+X" is isolated left to right: invisible LRI…PDI around it)
        t.ok((await page.locator('dd bdi').allTextContents()).includes(isolateLatinRuns(COURSE_NAMES[language])), `the course in ${language}: ${COURSE_NAMES[language]}`);
        t.ok((await page.locator('dd bdi').allTextContents()).includes(CENTRE_NAMES[language]), `the centre in ${language}`);
        t.equal((await page.locator('.code').textContent())?.trim(), valid.shortCode, 'the short code');
        t.equal(await page.locator('title').textContent(), `${COURSE_NAMES[language]} — ${valid.recipient} · ${pageCatalogues[language].site.name}`);
        await checkDirection(t, page, language);

        // copy the link: a button only a browser with JavaScript (and a clipboard) can use; the field always
        const copy = page.locator('button[data-copy]');
        t.equal(await copy.getAttribute('hidden'), javaScript ? null : '', `the copy button's hidden attribute is ${javaScript ? 'removed' : 'kept'}`);
        if (javaScript) t.ok(await copy.isVisible(), 'the copy button is shown');
        else t.notOk(await copy.isVisible(), 'the copy button is not shown');
        t.equal((await copy.textContent())?.trim(), pageCatalogues[language].actions.copyLink);
        t.equal(await page.locator('input#link').getAttribute('readonly'), '', 'the link field is read-only');
        t.equal(await page.locator('input#link').inputValue(), valid.url, 'the link field holds the public URL');
        t.ok(await page.locator('input#link').isVisible(), 'the link field is visible');
        t.equal(await page.locator('a.linkedin').count(), 1, 'add to LinkedIn is offered for a valid credential');

        const { document, total } = await weight();
        t.ok(document < 30_000, `main document ${document} bytes < 30 000`);
        t.ok(total < 30_000, `everything received ${total} bytes < 30 000 (the QR code is lazy, in a closed <details>)`);
        t.same(await axeViolations(page), [], 'axe: no serious or critical violations');
        t.same(problems, [], 'no console errors, page errors, failed or blocked requests');
        if (javaScript) await saveScreenshot(page, `credential-${language}`);
        else await saveScreenshot(page, `credential-${language}-nojs`);
      });
    }
  });
}

t.test('the revoked credential\'s page in every language', async (t) => {
  for (const language of LANGUAGES) {
    await t.test(language, async (t) => {
      const { page, response, problems } = await fx.open(t, `/credentials/${revoked.id}?lang=${language}`, { javaScript: language !== 'zh' });
      t.equal(response.status(), 200, 'the page of a revoked credential is still a page');
      t.equal(await verdictOf(page), verdictTitle(language, 'revoked'));
      t.equal(await page.locator('.verdict').getAttribute('class'), 'verdict bad');
      t.equal((await page.locator('.name').textContent())?.trim(), revoked.recipient);
      t.equal(await page.locator('a.linkedin').count(), 0, 'no add to LinkedIn for a revoked credential');
      t.equal(await page.locator('a[href*="certificate.pdf"]').count(), 0, 'no certificate to print for a revoked credential');
      t.equal(await page.getByText(pageCatalogues[language].actions.downloadPdf).count(), 0);
      t.equal(await page.locator('.checks li.failed').count(), 1, 'one failed check');
      t.equal(await page.locator('.checks li.failed strong').textContent(), pageCatalogues[language].checks.names.status, 'the status check failed');
      await checkDirection(t, page, language);
      t.same(await axeViolations(page), [], 'axe: no serious or critical violations');
      t.same(problems, []);
      await saveScreenshot(page, `credential-revoked-${language}`);
    });
  }
});

t.test('the QR code carries the short link, which opens the page; the page shows it', async (t) => {
  const expected = `${fx.publicBaseUrl}/v/${valid.shortCode}`;
  const { page, problems } = await fx.open(t, `/credentials/${valid.id}?lang=en`, { javaScript: false });
  const png = await page.request.get(`${fx.base}/credentials/${valid.id}/qr.png`);
  t.equal(png.status(), 200);
  t.equal(png.headers()['content-type'], 'image/png');
  const image = PNG.sync.read(await png.body());
  t.equal(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data, expected, 'the PNG decodes to <publicBaseUrl>/v/<code>');

  // shown on the page: the <details> opens without JavaScript and its image loads
  const qr = page.locator('details img');
  t.notOk(await qr.isVisible(), 'hidden until asked for');
  await page.locator('details summary').click();
  t.equal(await page.locator('details').getAttribute('open'), '', 'the <details> opened');
  t.ok(await qr.isVisible(), 'shown');
  t.ok(Number(await waitInPage(page, `(() => { const i = document.querySelector('details img'); return i.complete && i.naturalWidth; })()`)) > 0, 'the QR image loaded (naturalWidth > 0)');
  const alt = (await qr.getAttribute('alt')) ?? '';
  t.equal(alt, pageCatalogues.en.actions.qrAlt({ link: expected }));
  t.ok(alt.includes(expected), `the alt text names the short link: ${alt}`);
  const imageBox = await qr.boundingBox();
  t.ok(imageBox && imageBox.width >= 200 && imageBox.height >= 200, `drawn large enough to scan: ${JSON.stringify(imageBox)}`);
  const drawn = PNG.sync.read(await qr.screenshot());
  t.equal(jsQR(new Uint8ClampedArray(drawn.data), drawn.width, drawn.height)?.data, expected, 'the QR code as drawn on the page scans to the short link');
  t.same(problems, [], 'the QR image loaded from our own origin without problems');
  await saveScreenshot(page, 'credential-en-qr-open');

  // the short link (on the listening origin) lands on the page
  const { page: landed, response, problems: landedProblems } = await fx.open(t, new URL(expected).pathname, { javaScript: true, locale: 'en-GB' });
  t.equal(response.status(), 200);
  t.equal(new URL(landed.url()).pathname, `/credentials/${valid.id}`, 'redirected to the credential page');
  t.equal(await verdictOf(landed), verdictTitle('en', 'valid'));
  t.equal(response.request().redirectedFrom()?.url(), `${fx.base}/v/${valid.shortCode}`, 'through the short link');
  t.same(landedProblems, []);
});

t.test('the language switcher: English → العربية mirrors the page, and the choice is remembered', async (t) => {
  const { page, problems } = await fx.open(t, `/credentials/${valid.id}?lang=en`, { javaScript: false, locale: 'en-US' });
  t.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  const arabic = page.locator('nav a[hreflang="ar"]');
  t.equal(await arabic.textContent(), 'العربية');
  t.equal(await page.locator('nav a[aria-current]').textContent(), 'English', 'English is marked current');
  // a page opened by a shared ?lang= link has remembered nothing
  t.same((await page.context().cookies()).filter((cookie) => cookie.name === 'lang'), [], 'no cookie from ?lang=en');
  await arabic.click();
  await page.waitForURL(/lang=ar/);
  t.equal(new URL(page.url()).searchParams.get('remember'), '1', 'the switcher asks to remember');
  t.match((await page.context().cookies()).find((cookie) => cookie.name === 'lang'), { value: 'ar', httpOnly: true, sameSite: 'Lax' }, 'the lang cookie');
  t.equal(await page.locator('html').getAttribute('dir'), 'rtl', 'the page is right-to-left');
  t.equal(await page.locator('html').getAttribute('lang'), 'ar');
  t.equal(await verdictOf(page), verdictTitle('ar', 'valid'));
  t.equal(await page.locator('nav a[aria-current]').textContent(), 'العربية');
  await checkDirection(t, page, 'ar');

  // the verify page without ?lang=, from a browser whose Accept-Language says English: the cookie wins
  const response = await page.goto(`${fx.base}/verify`);
  t.equal(response?.status(), 200);
  t.equal(await page.locator('html').getAttribute('lang'), 'ar', 'still Arabic');
  t.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  t.equal(await page.locator('h1').textContent(), pageCatalogues.ar.verify.title);
  t.same(problems, []);
});

t.test('a credential link that names nothing: a localised, accessible 404 page', async (t) => {
  for (const language of ['en', 'ar'] as const) {
    const { page, response, problems } = await fx.open(t, `/credentials/${randomUUID()}?lang=${language}`, { javaScript: true });
    t.equal(response.status(), 404, language);
    t.match(response.headers()['content-type'], /^text\/html/);
    t.equal(await page.locator('h1').textContent(), pageCatalogues[language].errors.title);
    t.equal((await page.locator('main p').first().textContent())?.trim(), pageCatalogues[language].errors.credentialNotFound);
    t.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');
    t.same(await axeViolations(page), [], `axe on the ${language} 404 page`);
    t.same(problems, []);
    await saveScreenshot(page, `not-found-${language}`);
  }
});

t.test('Arabic: the "1+X" of the course name inside a check message keeps its own order (1+X, not X…+1)', async (t) => {
  const { page, problems } = await fx.open(t, `/credentials/${valid.id}?lang=ar`, { javaScript: false });
  // where the browser draws the "1" and the "X" of "1+X" in the course-authorisation check's message
  const drawn = (await page.evaluate(`(() => {
    const item = [...document.querySelectorAll('.checks li')].find((li) => li.querySelector('strong').textContent === ${JSON.stringify(pageCatalogues.ar.checks.names.authorised)});
    const text = item.querySelector('p').firstChild;
    const at = text.textContent.indexOf('1+X');
    const left = (index) => { const range = document.createRange(); range.setStart(text, index); range.setEnd(text, index + 1); return range.getBoundingClientRect().left; };
    return { message: text.textContent, found: at >= 0, one: at >= 0 ? left(at) : null, x: at >= 0 ? left(at + 2) : null };
  })()`)) as { message: string; found: boolean; one: number; x: number };
  // the credential is English; the Arabic page's message names the course as the catalogue writes it in Arabic
  t.ok(drawn.found, `the course name is in the message: ${drawn.message}`);
  t.match(drawn.message, /\p{Script=Arabic}.*1\+X/u, 'the Arabic course name, holding the Latin "1+X"');
  t.ok(drawn.one < drawn.x, `"1" is drawn left of "X" (1 at ${drawn.one}, X at ${drawn.x})`);
  t.same(problems, []);
});

t.test('on a phone (360 px wide): nothing wider than the screen; the skip link is the first stop and visible on focus', async (t) => {
  for (const language of ['ar', 'zh', 'fr'] as const) {
    await t.test(language, async (t) => {
      const { page, problems } = await fx.open(t, `/credentials/${valid.id}?lang=${language}`, { javaScript: false, viewport: { width: 360, height: 740 } });
      const widths = (await page.evaluate(`({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })`)) as { scroll: number; client: number };
      t.ok(widths.scroll <= widths.client, `no horizontal scrolling (content ${widths.scroll} px, screen ${widths.client} px)`);
      const [icon, heading] = await Promise.all([box(page, '.verdict svg'), box(page, 'h1#verdict')]);
      t.ok(icon.y < heading.y + heading.height && heading.y < icon.y + icon.height, 'the verdict icon stays beside its heading');
      await page.keyboard.press('Tab');
      t.equal(await page.evaluate('document.activeElement.className'), 'skip', 'Tab reaches the skip link first');
      const skip = await box(page, '.skip');
      t.ok(skip.x >= 0 && skip.x + skip.width <= 360, `the focused skip link is on screen (x ${skip.x}, width ${skip.width})`);
      t.equal(await page.locator('.skip').getAttribute('href'), '#main');
      t.same(await axeViolations(page), []);
      t.same(problems, []);
      await saveScreenshot(page, `credential-${language}-phone`);
    });
  }
});
