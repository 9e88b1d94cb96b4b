import { isolate, isolateLatinRuns, type Language } from '../../lib/i18n.js';
import { type Html, html } from '../html.js';
import { directionOf } from '../language.js';

// What every e-mail of the service shares: values isolated against bidirectional reordering, messages filled with
// markup, inline styles, and the document around the body.

const RIGHT_TO_LEFT_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}]/u;

/**
 * A value as it goes into a sentence of the plain text (and the subject): isolated (FSI…PDI) wherever directions
 * can mix, i.e. in Arabic text or for a right-to-left value in another language, so that it cannot reorder the words
 * around it; its own Latin runs isolated too in Arabic. Left as it is otherwise: control characters for nothing
 * would only risk showing as boxes in old mail readers.
 */
export function isolatedText(value: string, language: Language): string {
  return language === 'ar' || RIGHT_TO_LEFT_LETTER.test(value) ? isolate(isolateLatinRuns(value)) : value;
}

/**
 * A value in the HTML: in <bdi>, as the pages do; the isolate characters stay inside as well, because a webmail
 * sanitiser may drop an element it does not know, never the characters.
 */
export const bdi = (value: string, language: Language) => html`<bdi>${isolatedText(value, language)}</bdi>`;

const SLOT = /\u0000([A-Za-z]+)\u0000/;

/**
 * A message with values that are markup (a name in <bdi>, a link): the message is called with a marker per
 * parameter, its own words are escaped and each marker replaced by its markup. Values never pass through the
 * message as text, so none can be taken for markup.
 */
export function fill<P extends Record<string, string>>(message: (params: P) => string, values: { [K in keyof P]: Html }): Html {
  const markers = Object.fromEntries(Object.keys(values).map((key) => [key, `\u0000${key}\u0000`])) as P;
  const parts = message(markers).split(SLOT);
  return html`${parts.map((part, index) => (index % 2 === 1 ? values[part as keyof P] : part))}`;
}

// Inline styles only (webmail removes <style>), no tables, no web fonts, no remote images: system fonts that carry
// Arabic and Chinese, a button that is a styled link, explicit alignment for Outlook's Word engine.
const FONT = `-apple-system,'Segoe UI',Roboto,'Noto Sans','Noto Sans Arabic','Noto Naskh Arabic',Tahoma,'PingFang SC','Microsoft YaHei','Noto Sans SC',Arial,sans-serif`;
export const STYLE = {
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
  footer: 'margin:16px 0 0;font-size:12px;color:#5b6570',
};

/** The HTML document around an e-mail's body, in its language and direction. */
export function emailDocument({ language, subject, body }: { language: Language; subject: string; body: Html }): string {
  const direction = directionOf(language);
  return html`<!doctype html>
<html lang="${language}" dir="${direction}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${subject}</title></head>
<body lang="${language}" dir="${direction}" style="${STYLE.body}">
${body}
</body></html>`.value;
}
