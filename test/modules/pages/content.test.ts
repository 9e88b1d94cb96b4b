import t from 'tap';
import { DEMO_CENTRE } from '../../../src/modules/demo/data.js';
import { credentialPageContent } from '../../../src/modules/pages/service.js';
import { renderCredentialPage } from '../../../src/web/credential-page.js';
import { pageCatalogues } from '../../../src/web/messages/index.js';
import { BASE_URL } from '../../helper.js';
import { secondsAhead } from '../../support/lifecycle.js';
import { assertPage, browser, definition, elements, LANGUAGES, metaContent, pageApp, textOf } from './page-support.js';

// What the page of a valid credential shows and links to: who, what, which centre (recognised by the platform),
// the code, the six checks and when they ran; social previews; LinkedIn's form filled in; the downloads. And a
// recipient name made of markup stays text.

const p = await pageApp(t);
const platformName = p.app.ctx.config.platform.name;
const amina = await p.issueFor('Amina El-Sayed');
const path = `/credentials/${amina.id}`;
const en = pageCatalogues.en;
const COURSE = amina.credential.credentialSubject.achievement.name as string;
const CENTRE = amina.credential.issuer.name as string;

/** The add-to-profile link's parameters, or undefined when the page has no LinkedIn button. */
function linkedIn(markup: string) {
  const href = elements(markup, 'a').find((a) => a.href?.startsWith('https://www.linkedin.com/'))?.href;
  return href === undefined ? undefined : new URL(href);
}

t.test('who, what, which centre, the code and the checks', async (t) => {
  const response = await p.get(path, browser());
  const page = assertPage(t, response, 200, 'page');
  const labels = en.credential;
  t.equal(definition(response.body, labels.recipient), 'Amina El-Sayed', 'the recipient');
  t.match(response.body, /<span class="name"><bdi>Amina El-Sayed<\/bdi><\/span>/, 'the name isolated for bidi, prominently');
  t.equal(definition(response.body, labels.course), `${COURSE} ${en.credential.level({ level: 'Foundation' })} · ${en.credential.hours({ hours: '20' })}`, 'the course, its level and hours');
  t.equal(definition(response.body, labels.issuer), `${CENTRE} ${labels.recognisedBy({ platformName })}`, 'the centre, recognised by the platform');
  t.ok(page.text.includes(`recognised by ${platformName}`), 'in words');
  t.equal(definition(response.body, labels.code), amina.shortCode, 'the short code');
  t.match(amina.shortCode, /^EG-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
  t.equal(definition(response.body, labels.issuedOn), new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(amina.credential.validFrom)));
  t.equal(definition(response.body, labels.expiresOn), labels.noExpiry);
  t.equal(definition(response.body, labels.replaces), undefined, 'replaces nothing');

  t.equal(page.checks.length, 6, 'six checks');
  t.same(page.checks.map((check) => check.status), ['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
  t.ok(page.checks.every((check) => check.message.length > 20), 'each with a reason in words');
  t.ok(page.checks[1]?.message.includes(CENTRE), 'the issuer check names the centre');

  // checkedAt: the time of this verification, as the page language writes it (to the minute, in UTC)
  const checked = /<p class="muted">Checked on ([^<]+)<\/p>/.exec(response.body)?.[1] ?? '';
  t.ok(checked, 'when it was checked');
  const minutes = [new Date(), new Date(Date.now() - 60_000)].map((date) => ({
    day: new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(date),
    time: new Intl.DateTimeFormat('en', { timeStyle: 'short', timeZone: 'UTC' }).format(date),
  }));
  t.ok(minutes.some(({ day, time }) => checked.startsWith(day) && checked.includes(time)), `checked just now, UTC (${checked})`);
});

t.test('the line under the centre\'s name follows the issuer check\'s code', async (t) => {
  for (const language of LANGUAGES) {
    const text = pageCatalogues[language].credential;
    const { body } = await p.get(`${path}?lang=${language}`, browser());
    t.equal(definition(body, text.issuer), `${DEMO_CENTRE.name[language]} ${text.recognisedBy({ platformName })}`, `${language}: recognised, as served`);

    // every code the issuer check may report, rendered as the route renders it
    const content = await credentialPageContent({ ctx: p.app.ctx, id: amina.id, language });
    for (const [code, status, expected] of [
      ['issuer.recognised', 'passed', text.recognisedBy({ platformName })],
      ['issuer.suspended', 'failed', text.issuerSuspended],
      ['issuer.unreachable', 'unknown', text.issuerNotChecked],
      ['issuer.unrecognised', 'failed', text.notRecognised],
    ] as const) {
      const report = { ...content.report, checks: content.report.checks.map((check) => (check.check === 'issuer' ? { ...check, code, status } : check)) };
      const page = renderCredentialPage({ ...content, report, language, platformName });
      t.equal(definition(page, text.issuer), `${DEMO_CENTRE.name[language]} ${expected}`, `${language}: ${code} → ${expected}`);
    }
  }
  const lines = LANGUAGES.flatMap((language) => {
    const text = pageCatalogues[language].credential;
    return [text.recognisedBy({ platformName }), text.issuerSuspended, text.issuerNotChecked, text.notRecognised];
  });
  t.equal(new Set(lines).size, lines.length, 'four different lines in each language');
});

t.test('the page renders in every language, its check time with the zone (UTC)', async (t) => {
  for (const language of LANGUAGES) {
    const response = await p.get(`${path}?lang=${language}`, browser());
    const page = assertPage(t, response, 200, `${language}: rendered, not a server error`);
    const verdict = /<section class="verdict[\s\S]*?<\/section>/.exec(response.body)?.[0] ?? '';
    const checked = textOf([...verdict.matchAll(/<p class="muted">([\s\S]*?)<\/p>/g)].at(-1)?.[1] ?? '');
    t.ok(checked.includes(String(new Date().getUTCFullYear())), `${language}: checked at (${checked})`);
    t.match(checked, /UTC/, `${language}: says the zone`);
    t.equal(page.h1, pageCatalogues[language].verdicts.valid.title);
  }
});

t.test('social previews', async (t) => {
  const { body } = await p.get(path, browser());
  const title = metaContent(body, 'og:title') ?? '';
  t.ok(title.includes(COURSE) && title.includes('Amina El-Sayed'), `og:title names the course and the recipient (${title})`);
  t.equal(metaContent(body, 'og:url'), `${BASE_URL}${path}`, 'og:url is the credential\'s public URL');
  t.ok(metaContent(body, 'og:description')?.includes(CENTRE), 'og:description names the centre');
  t.equal(metaContent(body, 'og:type'), 'website');
  t.equal(metaContent(body, 'twitter:card'), 'summary');
  t.equal(metaContent(body, 'twitter:title'), title);
  for (const [language, locale] of [
    ['en', 'en_US'],
    ['fr', 'fr_FR'],
    ['ar', 'ar_AR'],
    ['zh', 'zh_CN'],
  ] as const) {
    t.equal(metaContent((await p.get(`${path}?lang=${language}`, browser())).body, 'og:locale'), locale, `${language}: og:locale ${locale} (language_TERRITORY)`);
  }
  t.equal(metaContent(body, 'og:locale'), 'en_US', 'English when nothing is asked for');
  const french = (await p.get(`${path}?lang=fr`, browser())).body;
  t.ok(metaContent(french, 'og:title')?.startsWith('Fondation 1+X GenAI'), 'previews in the page language');
});

t.test('LinkedIn: the add-to-profile form filled in', async (t) => {
  const { body } = await p.get(path, browser());
  const url = linkedIn(body);
  t.ok(url, 'a LinkedIn button');
  t.equal(url?.origin + url!.pathname, 'https://www.linkedin.com/profile/add');
  const params = url!.searchParams;
  t.equal(params.get('startTask'), 'CERTIFICATION_NAME');
  t.equal(params.get('name'), COURSE, 'the course');
  t.equal(params.get('certUrl'), `${BASE_URL}${path}`, 'certUrl is the public URL');
  t.equal(params.get('certId'), amina.shortCode, 'certId is the short code');
  t.equal(params.get('organizationName'), CENTRE, 'the centre');
  const validFrom = new Date(amina.credential.validFrom);
  t.equal(params.get('issueYear'), String(validFrom.getUTCFullYear()));
  t.equal(params.get('issueMonth'), String(validFrom.getUTCMonth() + 1), 'month 1-12');
  t.notOk(params.has('expirationYear') || params.has('expirationMonth'), 'no expiry for a credential that does not expire');
  t.match(body, /<a class="button linkedin" href="https:\/\/www\.linkedin\.com\/profile\/add\?[^"]+" rel="noopener noreferrer">Add to LinkedIn profile<\/a>/);

  const expiring = await p.issueFor('Omar Farouk', { validUntil: '2031-06-30T00:00:00Z' });
  const expiringUrl = linkedIn((await p.get(`/credentials/${expiring.id}`, browser())).body);
  t.equal(expiringUrl?.searchParams.get('expirationYear'), '2031');
  t.equal(expiringUrl?.searchParams.get('expirationMonth'), '6');
  t.equal(definition((await p.get(`/credentials/${expiring.id}?lang=fr`, browser())).body, pageCatalogues.fr.credential.expiresOn), '30 juin 2031');

  const arabic = linkedIn((await p.get(`${path}?lang=ar`, browser())).body);
  t.equal(arabic?.searchParams.get('organizationName'), 'المركز الوطني للمعهد الدولي للتعليم الإلكتروني في مصر (تجريبي)', 'the centre as named on the page');
  t.equal(arabic?.searchParams.get('certId'), amina.shortCode);
});

t.test('the downloads and the QR code link to what they say', async (t) => {
  for (const language of LANGUAGES) {
    const { body } = await p.get(`${path}?lang=${language}`, browser());
    const text = pageCatalogues[language].actions;
    const anchors = elements(body, 'a');
    const pdf = anchors.find((a) => a.href === `${path}/certificate.pdf?lang=${language}`);
    t.ok(pdf, `${language}: the PDF in the page language`);
    const json = anchors.find((a) => a.href === `${path}?format=json`);
    t.ok(json, `${language}: the JSON download`);
    t.equal(json?.download, `credential-${amina.shortCode}.json`, 'saved under the code');
    t.ok(anchors.some((a) => a.href === `${path}/qr.png?download=1`), `${language}: the QR code to download`);
    const img = elements(body, 'img').find((image) => image.src === `${path}/qr.svg`);
    t.ok(img, `${language}: the QR code shown`);
    t.equal(img?.alt, text.qrAlt({ link: `${BASE_URL}/v/${amina.shortCode}` }), `${language}: with an alt text naming the link`);
    t.ok(anchors.some((a) => a.href === `/verify?lang=${language}`), `${language}: on to verify another`);
    const input = elements(body, 'input').find((field) => field.id === 'link');
    t.equal(input?.value, `${BASE_URL}${path}`, `${language}: the link to copy`);
    t.ok('readonly' in (input ?? {}));
    t.ok(elements(body, 'label').some((label) => label.for === 'link'), 'labelled');
  }

  const json = await p.get(`${path}?format=json`, browser());
  t.equal(json.body, amina.bytes, 'the JSON link gives the signed bytes, even to a browser');
  const pdf = await p.get(`${path}/certificate.pdf?lang=en`, browser());
  t.equal(pdf.headers['content-type'], 'application/pdf');
  const svg = await p.get(`${path}/qr.svg`, browser());
  t.match(svg.headers['content-type'], /^image\/svg\+xml/);
  const png = await p.get(`${path}/qr.png?download=1`, browser());
  t.equal(png.headers['content-type'], 'image/png');
  t.match(png.headers['content-disposition'], /^attachment; filename="credential-EG-/);
});

t.test('a name made of markup is shown as text, everywhere', async (t) => {
  const name = '<script>alert(1)</script> & "quotes" \'single\' <img src=x onerror=alert(2)>';
  const evil = await p.issueFor(name);
  for (const language of LANGUAGES) {
    const response = await p.get(`/credentials/${evil.id}?lang=${language}`, browser());
    const page = assertPage(t, response, 200, language);
    t.equal(definition(response.body, pageCatalogues[language].credential.recipient), name, `${language}: the name reads as typed`);
    t.ok(response.body.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39; &lt;img src=x onerror=alert(2)&gt;'), `${language}: escaped in the markup`);
    t.equal([...response.body.matchAll(/<script\b/gi)].length, 1, `${language}: no script element but the page's own`);
    t.notOk(/<img src=x/i.test(response.body), 'no injected image');
    t.notOk(response.body.includes('alert(1)</script>'), 'the closing tag never appears raw');
    t.ok(metaContent(response.body, 'og:title')?.includes(name), 'the preview title holds the name as text');
    t.ok(page.title.includes(name), '<title> too');
    t.equal(page.h1, pageCatalogues[language].verdicts.valid.title, 'and the credential is simply valid');
  }
  t.ok(evil.shortCode);
});

t.test('a credential that expires soon says until when', async (t) => {
  const until = secondsAhead(3 * 24 * 3600 * 1000);
  const soon = await p.issueFor('Layla Hassan', { validUntil: until });
  const { body } = await p.get(`/credentials/${soon.id}`, browser());
  t.equal(definition(body, en.credential.expiresOn), new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(until)));
  t.match(body, /within its validity period \(until /, 'the validity check says until when');
});
