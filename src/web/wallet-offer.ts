import type { Language } from '../lib/i18n.js';
import { type Html, html, trusted } from './html.js';
import { formatDate } from './language.js';
import { pageMessages } from './messages/index.js';
import { qrSvg } from './qr.js';

/** The wallets an offer can go to: any OpenID4VCI wallet, and the DCC Learner Credential Wallet (a VCALM exchange). */
export type WalletKind = 'oid4vci' | 'vcapi';

/** A wallet offer as a page shows it: the links of the protocols still open, each with its QR code. */
export interface WalletOfferView {
  expiresAt: Date;
  /** the open protocols, each with its link (a custom-scheme offer, an lcw.app invitation) and that link's QR code */
  wallets: { kind: WalletKind; link: string; qr: string }[];
}

/** The view of an offer's links, QR codes drawn (inline SVG: the pages load no images but their own). */
export async function walletOfferView({
  expiresAt,
  links,
}: {
  expiresAt: Date;
  links: Partial<Record<WalletKind, string>>;
}): Promise<WalletOfferView> {
  const order: WalletKind[] = ['vcapi', 'oid4vci'];
  const wallets = await Promise.all(
    order.filter((kind) => links[kind]).map(async (kind) => ({ kind, link: links[kind]!, qr: await qrSvg(links[kind]!) })),
  );
  return { expiresAt, wallets };
}

/** The QR code's SVG as an image with its text alternative (the generator's markup, trusted, given a size and a name). */
const qrImage = (svg: string, label: string) => html`<svg class="qr" role="img" aria-label="${label}" width="220" height="220" ${trusted(svg.trim().replace(/^<svg /, ''))}`;

/**
 * "Add it to your wallet": for each open protocol, what it is for, a button that opens the wallet app on this phone
 * and the QR code to scan from another screen; when the offer ends, and that the page is for its owner only.
 */
export function walletOfferSection(view: WalletOfferView, language: Language): Html {
  const text = pageMessages(language).wallet;
  const options = view.wallets.map(({ kind, link, qr }) => {
    const words = kind === 'vcapi' ? text.learnerCredentialWallet : text.otherWallets;
    return html`<li><h3>${words.heading}</h3><p>${words.text}</p><p><a class="button primary" href="${link}" rel="noopener noreferrer">${words.button}</a></p>${qrImage(qr, text.qrAlt({ wallet: words.heading }))}</li>`;
  });
  return html`<section class="wallet" aria-labelledby="wallet"><h2 id="wallet">${text.heading}</h2><p>${text.intro({ date: formatDate(view.expiresAt, language, true) })}</p><ul class="wallet-options">${options}</ul><p class="muted">${text.private}</p></section>`;
}
