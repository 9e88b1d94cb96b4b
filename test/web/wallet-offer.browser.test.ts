import t from 'tap';
import { LANGUAGES } from '../../src/lib/i18n.js';
import { offerForEmail } from '../../src/modules/wallet/service.js';
import { pageCatalogues } from '../../src/web/messages/index.js';
import { axeViolations, saveScreenshot } from '../support/browser.js';
import { decodeQrPng } from '../support/qr.js';
import { pageFixture } from './page-fixtures.js';

// The learner's wallet offer page in a real Chromium, in English, French, Arabic and Chinese, without JavaScript:
// both wallets' buttons and QR codes (each QR code, as rendered, decodes to its button's link), nothing fetched from
// elsewhere, axe-core, its weight, and its direction.

const fx = await pageFixture(t);
const credential = await fx.issueCredential('Layla Offer');
const links = await offerForEmail({ ctx: fx.app.ctx, credentialId: credential.id });
const path = new URL(links.page).pathname;

for (const language of LANGUAGES) {
  t.test(`the offer page in ${language}`, async (t) => {
    const { page, response, problems, weight } = await fx.open(t, `${path}?lang=${language}`, { javaScript: false });
    t.equal(response.status(), 200);
    const words = pageCatalogues[language].wallet;
    t.equal(await page.locator('#wallet').textContent(), words.heading);
    t.equal(await page.locator('html').getAttribute('dir'), language === 'ar' ? 'rtl' : 'ltr');

    const buttons = page.locator('.wallet-options a.button');
    t.same(await buttons.allTextContents(), [words.learnerCredentialWallet.button, words.otherWallets.button]);
    const hrefs = await Promise.all([0, 1].map((index) => buttons.nth(index).getAttribute('href')));
    t.same(hrefs, [links.learnerCredentialWallet, links.credentialOffer], 'each button opens its wallet\'s link');
    for (const [index, href] of hrefs.entries()) {
      const qr = page.locator('svg.qr').nth(index);
      t.equal(await qr.getAttribute('aria-label'), words.qrAlt({ wallet: index === 0 ? words.learnerCredentialWallet.heading : words.otherWallets.heading }));
      t.equal(decodeQrPng(await qr.screenshot()), href, `the QR code as rendered decodes to the ${index === 0 ? 'Learner Credential Wallet' : 'OpenID4VCI'} link`);
    }

    t.same(problems, [], 'nothing failed or reached outside');
    t.same(await axeViolations(page), [], 'axe: no serious or critical violation');
    const { document } = await weight();
    t.ok(document < 40_000, `the page weighs ${document} bytes (two QR codes drawn inline)`);
    if (language === 'ar') await saveScreenshot(page, 'wallet-offer-ar');
  });
}
