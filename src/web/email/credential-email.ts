import type { Language } from '../../lib/i18n.js';
import { html } from '../html.js';
import { directionOf, formatDate } from '../language.js';
import { linkedInAddToProfileUrl } from '../linkedin.js';
import { pageMessages } from '../messages/index.js';
import { qrPng } from '../qr.js';
import { bdi, emailDocument, fill, isolatedText, STYLE } from './layout.js';
import { emailCatalogues } from './messages.js';

/** What the e-mail to a learner says: plain data, so that any caller (the delivery job, a re-send) can fill it. */
export interface CredentialEmailInput {
  /** the credential's language: the e-mail is written in it */
  language: Language;
  recipientName: string;
  courseName: string;
  centreName: string;
  /** where the centre can be written to; the e-mail says so when there is one */
  centreContactEmail?: string | null;
  platformName: string;
  credentialUrl: string;
  /** `<PUBLIC_BASE_URL>/v/<code>`: what the QR code encodes */
  shortLink: string;
  shortCode: string;
  issuedOn: Date;
  /** the credential's end of validity, for LinkedIn's "expiration date" */
  expiresOn?: Date | null;
  /** the learner's own wallet offer (`<base>/wallet/offers/<secret>`) and when it ends */
  walletOffer?: { url: string; expiresAt: Date };
}

/** A file sent with the message; an inline image is shown where the HTML says `cid:<cid>`. */
export interface EmailAttachment {
  filename: string;
  content: Buffer;
  cid: string;
  contentType: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

// The QR image is drawn at 160 CSS pixels from a 320-pixel PNG, sharp on high-density screens.
const QR_DISPLAY_PX = 160;
const QR_PNG_PX = 320;

/** Content-ID and file name of the QR image: the code is letters, digits and hyphens; anything else is dropped. */
const qrName = (shortCode: string) => `qr-${shortCode.replace(/[^A-Za-z0-9-]/g, '')}`;

/**
 * The e-mail that brings a learner their credential, in the credential's language (Arabic right to left): who issued
 * it for which course, the link (a button and the address), the verification code, the QR code of the short link
 * (an inline image, nothing fetched), how to add it to LinkedIn and to a wallet app (the learner's own offer page) and
 * that anyone can check it. HTML and plain text say the same.
 */
export async function renderCredentialEmail(input: CredentialEmailInput): Promise<RenderedEmail> {
  const { language } = input;
  const words = emailCatalogues[language];
  const page = pageMessages(language);
  const direction = directionOf(language);
  const align = direction === 'rtl' ? 'right' : 'left';
  const date = formatDate(input.issuedOn, language);
  const linkedInUrl = linkedInAddToProfileUrl({
    courseName: input.courseName,
    organisation: input.centreName,
    issuedOn: input.issuedOn.toISOString(),
    expiresOn: input.expiresOn ? input.expiresOn.toISOString() : null,
    certUrl: input.credentialUrl,
    certId: input.shortCode,
  });
  const name = qrName(input.shortCode);
  const qr: EmailAttachment = { filename: `${name}.png`, content: await qrPng(input.shortLink, QR_PNG_PX), cid: `${name}@iioe-credentials`, contentType: 'image/png' };

  // the plain-text part, and the subject, with values isolated as text. Links, the code and the address are left as
  // they are: they are wholly left to right and end their line, and a control character next to a link would be
  // taken into it by the mail readers that make links of `https://\S+`.
  const text = (value: string) => isolatedText(value, language);
  const subject = words.subject({ course: text(input.courseName) });
  const issuedText = words.issued({ centre: text(input.centreName), course: text(input.courseName), date });
  const { walletOffer } = input;
  const walletText = walletOffer && words.walletText({ date: formatDate(walletOffer.expiresAt, language) });
  const plain = [
    words.greeting({ name: text(input.recipientName) }),
    issuedText,
    `${words.viewButton}\n${input.credentialUrl}`,
    words.code({ code: input.shortCode }),
    `${words.linkedInHeading}\n${words.linkedInText}\n${linkedInUrl}`,
    walletOffer ? `${words.walletHeading}\n${walletText}\n${walletOffer.url}` : null,
    words.verify({ platformName: text(input.platformName) }),
    input.centreContactEmail ? words.contact({ centre: text(input.centreName), email: input.centreContactEmail }) : null,
    `-- \n${words.why({ centre: text(input.centreName) })}`,
  ].filter((paragraph) => paragraph !== null);

  // the HTML, with values as markup
  const value = (raw: string) => bdi(raw, language);
  const course = html`<strong>${value(input.courseName)}</strong>`;
  const centre = value(input.centreName);
  const body = html`<div style="${STYLE.preheader}">${issuedText}</div>
<div lang="${language}" dir="${direction}" style="${STYLE.outer};text-align:${align}">
<div style="${STYLE.card}">
<p style="${STYLE.site}">${page.site.name}</p>
<h1 style="${STYLE.title}">${value(input.courseName)}</h1>
<p style="${STYLE.paragraph}">${fill(words.greeting, { name: value(input.recipientName) })}</p>
<p style="${STYLE.paragraph}">${fill(words.issued, { centre, course, date: html`${date}` })}</p>
<p style="margin:24px 0"><a href="${input.credentialUrl}" style="${STYLE.button}">${words.viewButton}</a></p>
<p style="${STYLE.small}">${words.linkFallback}<br><a href="${input.credentialUrl}" dir="ltr" style="${STYLE.link}">${input.credentialUrl}</a></p>
<p style="${STYLE.paragraph}">${fill(words.code, { code: html`<bdi dir="ltr" style="${STYLE.code}">${input.shortCode}</bdi>` })}</p>
<p style="${STYLE.paragraph}">${words.qrIntro}</p>
<img src="cid:${qr.cid}" width="${QR_DISPLAY_PX}" height="${QR_DISPLAY_PX}" alt="${page.actions.qrAlt({ link: input.shortLink })}" style="display:block;width:${QR_DISPLAY_PX}px;height:${QR_DISPLAY_PX}px;border:0">
<p style="${STYLE.small}"><a href="${input.shortLink}" dir="ltr" style="${STYLE.link}">${input.shortLink}</a></p>
<h2 style="${STYLE.heading}">${words.linkedInHeading}</h2>
<p style="${STYLE.paragraph}">${words.linkedInText}</p>
<p style="${STYLE.paragraph}"><a href="${linkedInUrl}" style="${STYLE.secondaryButton}">${page.actions.addToLinkedIn}</a></p>
${walletOffer ? html`<h2 style="${STYLE.heading}">${words.walletHeading}</h2>
<p style="${STYLE.paragraph}">${walletText}</p>
<p style="${STYLE.paragraph}"><a href="${walletOffer.url}" style="${STYLE.secondaryButton}">${words.walletButton}</a></p>` : ''}
<p style="${STYLE.paragraph}">${fill(words.verify, { platformName: value(input.platformName) })}</p>
${input.centreContactEmail ? html`<p style="${STYLE.paragraph}">${fill(words.contact, { centre, email: html`<a href="mailto:${input.centreContactEmail}" dir="ltr" style="${STYLE.link}">${input.centreContactEmail}</a>` })}</p>` : ''}
</div>
<p style="${STYLE.footer}">${fill(words.why, { centre })}</p>
</div>`;
  return { subject, html: emailDocument({ language, subject, body }), text: `${plain.join('\n\n')}\n`, attachments: [qr] };
}
