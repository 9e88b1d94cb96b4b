import t from 'tap';
import { LANGUAGES, type Language } from '../../../src/lib/i18n.js';
import { renderCredentialEmail } from '../../../src/web/email/credential-email.js';
import { type EmailMessages, emailCatalogues } from '../../../src/web/email/messages.js';
import { formatDate } from '../../../src/web/language.js';
import { pageMessages } from '../../../src/web/messages/index.js';
import { decodeQrPng } from '../../support/qr.js';
import { emailInput } from './email-fixtures.js';

// The e-mail that brings a learner their credential (src/web/email), rendered for real in every language and read
// back: language and direction, every fact in both parts, escaping, bidi isolation, the inline QR code decoded, and
// nothing that a mail reader would fetch. What arrives over SMTP is tested with the mailer (test/modules/delivery).

const FSI = '\u2068';
const PDI = '\u2069';
const LRI = '\u2066';
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// French wants a no-break space before : ; ? ! (and no ordinary one); Chinese full-width punctuation next to Chinese.
const FRENCH_SPACING_ERROR = /(?<!\u00a0)[:;?!](?=\s|$)|\u0020[:;?!]/u;
const CHINESE_PUNCTUATION_ERROR = /\p{Script=Han}[,:;.?!()]|[,:;.?!()]\p{Script=Han}/u;

/** The value of an href, as a browser reads it (the renderer escapes & in attributes). */
const hrefs = (markup: string) => [...markup.matchAll(/href="([^"]*)"/g)].map(([, value]) => value!.replaceAll('&amp;', '&'));

t.test('every language: subject, language and direction, both parts carry every fact', async (t) => {
  for (const language of LANGUAGES) {
    const input = emailInput(language, { expiresOn: new Date('2028-03-03T00:00:00Z') });
    const email = await renderCredentialEmail(input);
    const words = emailCatalogues[language];
    const direction = language === 'ar' ? 'rtl' : 'ltr';
    const visible = (value: string) => value.replace(new RegExp(BIDI_CONTROLS, 'gu'), '');
    t.test(language, async (t) => {
      t.match(visible(email.subject), input.courseName, 'the subject names the course');
      if (language !== 'en') t.not(email.subject, emailCatalogues.en.subject({ course: input.courseName }), 'the subject is translated');
      t.match(email.html, new RegExp(`^<!doctype html>\\n<html lang="${language}" dir="${direction}">`), 'html: lang and dir');
      t.match(email.html, `<body lang="${language}" dir="${direction}"`, 'body: lang and dir');
      t.match(email.html, `<div lang="${language}" dir="${direction}"`, 'the content block: lang and dir');
      t.match(email.html, `text-align:${direction === 'rtl' ? 'right' : 'left'}`, 'aligned to the start of the line, explicitly (Outlook)');
      const date = formatDate(input.issuedOn, language);
      for (const [part, body] of [['html', email.html], ['text', email.text]] as const) {
        // what a reader sees: the html without its tags (the fixtures' values hold no character that is escaped)
        const shown = visible(body.replace(/<[^>]*>/g, ''));
        for (const fact of [input.recipientName, input.courseName, input.centreName, input.credentialUrl, input.shortCode, date, input.platformName, input.centreContactEmail!]) {
          t.ok(shown.includes(fact), `${part}: shows ${fact}`);
        }
        t.ok(shown.includes(visible(words.greeting({ name: input.recipientName }))), `${part}: the greeting, in the language`);
      }
      t.ok(visible(email.text).includes(visible(words.issued({ centre: input.centreName, course: input.courseName, date }))), 'text: who issued it for what, in the language');
      t.ok(email.text.includes(words.linkedInText) && email.html.includes(words.linkedInText), 'both parts: how to add it to LinkedIn');
      t.ok(visible(email.text).includes(visible(words.verify({ platformName: input.platformName }))), 'text: anyone can check it');

      const links = hrefs(email.html);
      t.equal(links.filter((link) => link === input.credentialUrl).length, 2, 'html: the credential link as a button and as the written address');
      t.ok(links.includes(input.shortLink), 'html: the short link under the QR code');
      t.ok(links.includes(`mailto:${input.centreContactEmail}`), 'html: the centre contact address');
      const linkedIn = new URL(links.find((link) => link.startsWith('https://www.linkedin.com/'))!);
      t.same(
        Object.fromEntries(linkedIn.searchParams),
        { startTask: 'CERTIFICATION_NAME', name: input.courseName, organizationName: input.centreName, issueYear: '2026', issueMonth: '3', expirationYear: '2028', expirationMonth: '3', certUrl: input.credentialUrl, certId: input.shortCode },
        'the LinkedIn link fills in the course, centre, dates, link and code',
      );
      t.ok(email.text.includes(linkedIn.href), 'text: the same LinkedIn link');

      t.equal(email.attachments.length, 1, 'one attachment: the QR code');
      const [qr] = email.attachments;
      t.equal(qr!.contentType, 'image/png');
      t.equal(qr!.filename, `qr-${input.shortCode}.png`);
      t.match(email.html, `<img src="cid:${qr!.cid}"`, 'the html shows it inline by its Content-ID');
      t.equal(decodeQrPng(qr!.content), input.shortLink, 'the QR code decodes to the short link');
      t.match(email.html, `alt="${pageMessages(language).actions.qrAlt({ link: input.shortLink })}"`, 'the image says what it is, in the language');
    });
  }
});

t.test('nothing to fetch, nothing a mail reader strips: inline styles, no tables, no scripts, no remote resources', async (t) => {
  for (const language of LANGUAGES) {
    const { html } = await renderCredentialEmail(emailInput(language));
    t.notMatch(html, /<(style|link|script|table|iframe|form)\b/i, `${language}: no style sheet, script, table or form`);
    t.notMatch(html, /\bsrc="(?!cid:)/i, `${language}: every image is inline (cid:)`);
    t.notMatch(html, /url\(|@import|@font-face/i, `${language}: no CSS that loads anything`);
    t.notMatch(html, /\bclass=/, `${language}: no classes (webmail rewrites them): inline styles only`);
  }
});

t.test('what a centre or learner typed is escaped in the HTML and kept as it is in the text', async (t) => {
  const hostile = {
    recipientName: '<script>alert("x")</script>',
    courseName: '"><img src=x onerror=alert(1)>',
    centreName: 'Centre & <b>Co</b>',
    centreContactEmail: 'a"onmouseover="alert(1)@centre.example',
  };
  const email = await renderCredentialEmail(emailInput('en', hostile));
  t.notMatch(email.html, /<script|<img src=x|<b>Co|"onmouseover/, 'no markup or attribute made of the values');
  t.match(email.html, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;', 'the name, escaped');
  t.match(email.html, '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;', 'the course, escaped');
  t.match(email.html, 'Centre &amp; &lt;b&gt;Co&lt;/b&gt;', 'the centre, escaped');
  t.match(email.html, '<title>Your IIOE credential: &quot;&gt;&lt;img', 'the title, escaped');
  t.match(email.text, 'Dear <script>alert("x")</script>,', 'the text part shows the name as typed (plain text is never markup)');
  t.match(email.subject, 'Your IIOE credential: "><img src=x onerror=alert(1)>', 'the subject shows the course as typed (a header is never markup)');
});

t.test('bidi: values are isolated wherever directions mix, and only there', async (t) => {
  const arabic = await renderCredentialEmail(emailInput('ar', { recipientName: 'Amira Hassan' }));
  t.match(arabic.html, `<bdi>${FSI}أساسيات ${LRI}1+X GenAI${PDI}${PDI}</bdi>`, 'Arabic: the course in <bdi>, isolated, its Latin run isolated left to right');
  t.match(arabic.html, `<bdi>${FSI}Amira Hassan${PDI}</bdi>`, 'Arabic: a Latin name isolated (<bdi> and the characters, which survive any sanitiser)');
  t.match(arabic.text, `مرحبًا ${FSI}Amira Hassan${PDI}،`, 'Arabic text part: the Latin name isolated inside the Arabic greeting');
  t.match(arabic.subject, `${FSI}أساسيات ${LRI}1+X GenAI${PDI}${PDI}`, 'Arabic subject: the course isolated');
  t.match(arabic.html, /<bdi dir="ltr"[^>]*>EG-9Z2X-55KL-1PQR-T<\/bdi>/, 'Arabic: the code runs left to right');

  const englishWithArabicName = await renderCredentialEmail(emailInput('en', { recipientName: 'أميرة حسن' }));
  t.match(englishWithArabicName.text, `Dear ${FSI}أميرة حسن${PDI},`, 'English: an Arabic name is isolated from the comma after it');
  const english = await renderCredentialEmail(emailInput('en'));
  t.notMatch(english.text, BIDI_CONTROLS, 'English with Latin values only: no control characters at all');
  t.notMatch(english.subject, BIDI_CONTROLS);
  for (const url of [emailInput('ar').credentialUrl, emailInput('ar').shortCode]) {
    t.match(arabic.text, new RegExp(`(^|\\s)${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(\\s|$)`, 'm'), `Arabic text part: ${url} stands alone, no control character a link reader could take into it`);
  }
});

t.test('the contact line only when the centre has an address', async (t) => {
  const without = await renderCredentialEmail(emailInput('fr', { centreContactEmail: null }));
  t.notMatch(without.html, 'mailto:');
  t.notMatch(without.text, emailCatalogues.fr.contact({ centre: 'X', email: 'Y' }).split('X')[0]!, 'no "write to" sentence');
  const withAddress = await renderCredentialEmail(emailInput('fr'));
  t.match(withAddress.text, `Écrivez à Centre national IIOE du Sénégal\u00a0: iioe.centre@asu.example`);
});

// The catalogue: Record<Language, EmailMessages> makes every language have every key at build time; here, what a
// type cannot see.
const VALUES = { course: 'Course-C', name: 'Name-N', centre: 'Centre-X', date: 'Date-D', code: 'Code-K', platformName: 'Platform-P', email: 'mail@e.example' };
type Message = EmailMessages[keyof EmailMessages];
const asText = (message: Message) => (typeof message === 'function' ? (message as (p: typeof VALUES) => string)(VALUES) : message);
/** The parameters a message function reads (through a proxy). */
function readsOf(message: Message): string[] {
  if (typeof message !== 'function') return [];
  const read = new Set<string>();
  (message as (p: typeof VALUES) => string)(new Proxy(VALUES, { get: (target, key) => (read.add(String(key)), Reflect.get(target, key)) }));
  return [...read].sort();
}

t.test('every language shows every value English shows, in its own script, with its own typography', async (t) => {
  const keys = Object.keys(emailCatalogues.en) as (keyof EmailMessages)[];
  for (const language of LANGUAGES) {
    const words = emailCatalogues[language];
    t.same(Object.keys(words).sort(), [...keys].sort(), `${language}: the keys of English`);
    for (const key of keys) {
      const text = asText(words[key]);
      t.same(readsOf(words[key]), readsOf(emailCatalogues.en[key]), `${language} ${key}: reads the parameters English reads`);
      for (const parameter of readsOf(emailCatalogues.en[key])) t.match(text, VALUES[parameter as keyof typeof VALUES], `${language} ${key}: shows ${parameter}`);
      t.notMatch(text, BIDI_CONTROLS, `${language} ${key}: no bidi control characters (the renderer isolates values)`);
      t.equal(text, text.trim(), `${language} ${key}: no leading or trailing space`);
      if (language !== 'en') t.not(text, asText(emailCatalogues.en[key]), `${language} ${key}: translated`);
      if (language === 'ar') t.match(text, /\p{Script=Arabic}/u, `ar ${key}: Arabic`);
      if (language === 'ar') t.notMatch(text, /\p{Script=Arabic}\s?[,;?]/u, `ar ${key}: Arabic punctuation (، ؛ ؟)`);
      if (language === 'zh') t.match(text, /\p{Script=Han}/u, `zh ${key}: Chinese`);
      if (language === 'zh') t.notMatch(text, CHINESE_PUNCTUATION_ERROR, `zh ${key}: full-width punctuation next to Chinese`);
      if (language === 'fr') t.notMatch(text, FRENCH_SPACING_ERROR, `fr ${key}: a no-break space before : ; ? !`);
      if (language === 'fr') t.notMatch(text, /[A-Za-zÀ-ÿ]'[A-Za-zÀ-ÿ]/u, `fr ${key}: typographic apostrophes`);
      if (/\bIIOE\b/.test(asText(emailCatalogues.en[key]))) t.match(text, /IIOE/, `${language} ${key}: IIOE kept`);
      if (/\bLinkedIn\b/.test(asText(emailCatalogues.en[key]))) t.match(text, /LinkedIn/, `${language} ${key}: LinkedIn kept`);
    }
  }
});

t.test('the checks above can fail', async (t) => {
  t.same(readsOf((p: { name: string }) => `Hi ${p.name}`), ['name']);
  t.same(readsOf('plain'), []);
  t.ok(FRENCH_SPACING_ERROR.test('Code : x') && FRENCH_SPACING_ERROR.test('Code: x'), 'a colon after an ordinary space or none is caught');
  t.notOk(FRENCH_SPACING_ERROR.test('Code\u00a0: x'), 'a no-break space passes');
  t.ok(CHINESE_PUNCTUATION_ERROR.test('证书:'), 'a half-width colon after Chinese is caught');
  t.ok(BIDI_CONTROLS.test(`a${FSI}b`), 'an isolate is caught');
});

/** Keeps the language list and the catalogue in step (a new language must get words). */
t.test('a catalogue per language, no more', async (t) => {
  t.same(Object.keys(emailCatalogues).sort(), [...LANGUAGES].sort() as Language[]);
});
