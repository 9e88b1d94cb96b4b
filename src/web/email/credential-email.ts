import { isolate, isolateLatinRuns, type Language } from '../../lib/i18n.js';
import { type Html, html } from '../html.js';
import { directionOf, formatDate } from '../language.js';
import { linkedInAddToProfileUrl } from '../linkedin.js';
import { pageMessages } from '../messages/index.js';
import { qrPng } from '../qr.js';
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

const RIGHT_TO_LEFT_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;

/**
 * A value as it goes into a sentence of the plain text (and the subject): isolated (FSI…PDI) wherever directions
 * can mix, i.e. in Arabic text or for a right-to-left value in another language, so that it cannot reorder the words
 * around it; its own Latin runs isolated too in Arabic. Left as it is otherwise: control characters for nothing
 * would only risk showing as boxes in old mail readers.
 */
function isolatedText(value: string, language: Language): string {
  return language === 'ar' || RIGHT_TO_LEFT_LETTER.test(value) ? isolate(isolateLatinRuns(value)) : value;
}

/**
 * A value in the HTML: in <bdi>, as the pages do; the isolate characters stay inside as well, because a webmail
 * sanitiser may drop an element it does not know, never the characters.
 */
const bdi = (value: string, language: Language) => html`<bdi>${isolatedText(value, language)}</bdi>`;

const SLOT = /\u0000([A-Za-z]+)\u0000/;

/**
 * A message with values that are markup (a name in <bdi>, a link): the message is called with a marker per
 * parameter, its own words are escaped and each marker replaced by its markup. Values never pass through the
 * message as text, so none can be taken for markup.
 */
function fill<P extends Record<string, string>>(message: (params: P) => string, values: { [K in keyof P]: Html }): Html {
  const markers = Object.fromEntries(Object.keys(values).map((key) => [key, `\u0000${key}\u0000`])) as P;
  const parts = message(markers).split(SLOT);
  return html`${parts.map((part, index) => (index % 2 === 1 ? values[part as keyof P] : part))}`;
}

// Inline styles only (webmail removes <style>), no tables, no web fonts, no remote images: system fonts that carry
// Arabic and Chinese, a button that is a styled link, explicit alignment for Outlook's Word engine.
const FONT = `-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic','Noto Naskh Arabic',Tahoma,'PingFang SC','Microsoft YaHei','Noto Sans SC',Arial,sans-serif`;
const STYLE = {
  body: 'margin:0;padding:0;background-color:#f4f6f8',
  preheader: 'display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all',
  outer: `max-width:560px;margin:0 auto;padding:24px 16px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1b1f24`,
  card: 'background-color:#ffffff;border:1px solid #d5dbe1;border-radius:8px;padding:24px',
  site: 'margin:0 0 16px;font-size:14px;font-weight:bold;color:#10325a',
  title: 'margin:0 0 16px;font-size:22px;line-height:1.3;color:#10325a',
  heading: 'margin:24px 0 8px;font-size:18px;line-height:1.3;color:#10325a',
  paragraph: 'margin:0 0 16px',
  button: 'display:inline-block;padding:12px 20px;border-radius:6px;background-color:#0b57a4;color:#ffffff;font-weight:bold;text-decoration:none',
  secondaryButton: 'display:inline-block;padding:10px 16px;border-radius:6px;border:1px solid #0a66c2;color:#0a66c2;font-weight:bold;text-decoration:none',
  small: 'margin:0 0 16px;font-size:14px;color:#4a5560',
  link: 'color:#0b57a4;word-break:break-all',
  code: "font-family:Consolas,Menlo,'Courier New',monospace;font-size:17px;font-weight:bold;letter-spacing:1px",
  qr: `display:block;width:${QR_DISPLAY_PX}px;height:${QR_DISPLAY_PX}px;border:0`,
  footer: 'margin:16px 0 0;font-size:12px;color:#5b6570',
};

/** Content-ID and file name of the QR image: the code is letters, digits and hyphens; anything else is dropped. */
const qrName = (shortCode: string) => `qr-${shortCode.replace(/[^A-Za-z0-9-]/g, '')}`;

/**
 * The e-mail that brings a learner their credential, in the credential's language (Arabic right to left): who issued
 * it for which course, the link (a button and the address), the verification code, the QR code of the short link
 * (an inline image, nothing fetched), how to add it to LinkedIn and that anyone can check it. HTML and plain text say
 * the same.
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
  const plain = [
    words.greeting({ name: text(input.recipientName) }),
    issuedText,
    `${words.viewButton}\n${input.credentialUrl}`,
    words.code({ code: input.shortCode }),
    `${words.linkedInHeading}\n${words.linkedInText}\n${linkedInUrl}`,
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
<img src="cid:${qr.cid}" width="${QR_DISPLAY_PX}" height="${QR_DISPLAY_PX}" alt="${page.actions.qrAlt({ link: input.shortLink })}" style="${STYLE.qr}">
<p style="${STYLE.small}"><a href="${input.shortLink}" dir="ltr" style="${STYLE.link}">${input.shortLink}</a></p>
<h2 style="${STYLE.heading}">${words.linkedInHeading}</h2>
<p style="${STYLE.paragraph}">${words.linkedInText}</p>
<p style="${STYLE.paragraph}"><a href="${linkedInUrl}" style="${STYLE.secondaryButton}">${page.actions.addToLinkedIn}</a></p>
<p style="${STYLE.paragraph}">${fill(words.verify, { platformName: value(input.platformName) })}</p>
${input.centreContactEmail ? html`<p style="${STYLE.paragraph}">${fill(words.contact, { centre, email: html`<a href="mailto:${input.centreContactEmail}" dir="ltr" style="${STYLE.link}">${input.centreContactEmail}</a>` })}</p>` : ''}
</div>
<p style="${STYLE.footer}">${fill(words.why, { centre })}</p>
</div>`;
  const document = html`<!doctype html>
<html lang="${language}" dir="${direction}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${subject}</title></head>
<body lang="${language}" dir="${direction}" style="${STYLE.body}">
${body}
</body></html>`;
  return { subject, html: document.value, text: `${plain.join('\n\n')}\n`, attachments: [qr] };
}
