import { isolateLatinRuns, type Language } from '../lib/i18n.js';
import type { Check, Verdict, VerificationReport } from '../vc/verification-report.js';
import type { CredentialDescription, EvidenceItem } from './credential-text.js';
import { type Fragment, html } from './html.js';
import { formatDate, formatNumber } from './language.js';
import { renderPage } from './layout.js';
import { linkedInAddToProfileUrl } from './linkedin.js';
import { courseLevelIn, pageMessages } from './messages/index.js';
import { COPY_LINK_SCRIPT } from './scripts.js';
import { type WalletOfferView, walletOfferSection } from './wallet-offer.js';

/** Links that only a credential stored here has: its page, short code, QR code, PDF and corrections. */
export interface StoredCredentialLinks {
  id: string;
  url: string;
  shortCode: string | null;
  /** the link printed and encoded in the QR code: `/v/<code>`, or the full link without a code */
  shortLink: string;
  supersededBy: string | null;
  supersedes: string | null;
}

type Tone = 'good' | 'bad' | 'warn';
const TONES: Record<Verdict, Tone> = {
  valid: 'good',
  invalid: 'bad',
  revoked: 'bad',
  superseded: 'bad',
  suspended: 'bad',
  expired: 'bad',
  'not-yet-valid': 'warn',
  'unrecognised-issuer': 'warn',
  unknown: 'warn',
};

// Icons drawn inline (no font has to carry them); the words next to them say the same for screen readers.
const ICON_PATHS: Record<Tone, string> = {
  good: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  bad: 'M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z',
  warn: 'M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z',
};

// A certificate is something people print and show: none for a credential that does not hold now. An expired one
// still prints (the certificate states its validity period, and its QR code leads to the current status).
const UNPRINTABLE: ReadonlySet<Verdict> = new Set(['invalid', 'revoked', 'superseded', 'suspended']);

/** Whether a printable certificate is offered (and served) for a credential with this report. */
export const printable = (report: VerificationReport) => !UNPRINTABLE.has(report.verdict);

/** A value of the credential or the catalogue, isolated from the text around it (and its own Latin runs, in Arabic text). */
const bdi = (value: Fragment) => html`<bdi>${typeof value === 'string' ? isolateLatinRuns(value) : value}</bdi>`;

/**
 * Whether the document's signature verified. Only then is what it says shown as fact (the name in large type, the
 * centre's standing, links); otherwise every word of it is only what it claims, and shown as such.
 */
export const signatureVerified = (report: VerificationReport) => report.checks.some((check) => check.check === 'proof' && check.status === 'passed');

// A credential from the API carries at most 20 pieces of evidence; an uploaded one may carry any number.
const EVIDENCE_SHOWN = 20;

/** One piece of evidence: its name (a link only for an http(s) address of a verified credential), the address, what it is. */
function evidenceEntry(item: EvidenceItem, verified: boolean) {
  const address = item.id && html`<bdi dir="ltr" class="muted">${item.id}</bdi>`;
  const title = verified && item.link ? html`<a href="${item.link}" rel="noopener nofollow ugc">${bdi(item.name ?? item.link)}</a>` : item.name ? bdi(item.name) : address;
  const showAddress = Boolean(item.name && address);
  return html`<li>${title}${showAddress ? html`<br>${address}` : ''}${item.description ? html`<br><span class="text">${bdi(item.description)}</span>` : ''}</li>`;
}

function evidenceList(items: EvidenceItem[], language: Language, verified: boolean) {
  if (items.length === 0) return null;
  const hidden = items.length - EVIDENCE_SHOWN;
  return html`<ul class="evidence">${items.slice(0, EVIDENCE_SHOWN).map((item) => evidenceEntry(item, verified))}${
    hidden > 0 ? html`<li class="muted">${pageMessages(language).credential.evidenceMore({ count: formatNumber(hidden, language) })}</li>` : ''
  }</ul>`;
}

function verdictSection(report: VerificationReport, language: Language, links?: StoredCredentialLinks) {
  const text = pageMessages(language);
  const verdict = text.verdicts[report.verdict];
  const tone = TONES[report.verdict];
  const current = report.verdict === 'superseded' && links?.supersededBy;
  return html`<section class="verdict ${tone}" aria-labelledby="verdict"><svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="${ICON_PATHS[tone]}"/></svg><div><h1 id="verdict">${verdict.title}</h1><p>${verdict.explanation}</p>${
    current ? html`<p><a href="${current}">${text.credential.supersededBy}</a></p>` : ''
  }<p class="muted">${text.checks.checkedAt({ date: formatDate(report.checkedAt, language, true) })}</p></div></section>`;
}

/**
 * What the credential says, as its page shows it: the verified layout (names emphasised, links live, the issuer's
 * standing) only when its signature was verified (`verified`), else the "claims" layout. The console's preview
 * before signing shows the same section, so a centre sees exactly what the learner will.
 */
export function credentialDetails({
  description,
  language,
  platformName,
  verified,
  issuerCode,
  links,
}: {
  description: CredentialDescription;
  language: Language;
  platformName: string;
  verified: boolean;
  /** the registry check's code (issuer.recognised, issuer.suspended, …) */
  issuerCode: string | undefined;
  links?: StoredCredentialLinks;
}) {
  const text = pageMessages(language).credential;
  const { course } = description;
  const level = course.level && text.level({ level: courseLevelIn(course.level, language) });
  const facts = [level, course.hours && text.hours({ hours: formatNumber(course.hours, language) })].filter((fact): fact is string => Boolean(fact));
  // a fact the credential does not have (no code on an uploaded copy, no expiry) is left out, label and all
  const row = (label: string, value: Fragment) => (value === null || value === undefined || value === '' ? '' : html`<dt>${label}</dt><dd>${value}</dd>`);
  const rows = [
    row(text.recipient, description.recipient && (verified ? html`<span class="name">${bdi(description.recipient)}</span>` : bdi(description.recipient))),
    row(text.course, course.name && html`${bdi(course.name)}${facts.length > 0 ? html`<br><span class="muted">${facts.join(' · ')}</span>` : ''}`),
    row(text.description, course.description && bdi(course.description)),
    row(text.criteria, course.criteria && bdi(course.criteria)),
    row(text.narrative, description.narrative && html`<span class="text">${bdi(description.narrative)}</span>`),
    row(text.evidence, evidenceList(description.evidence, language, verified)),
    row(
      text.issuer,
      description.issuer.name &&
        (verified ? html`${bdi(description.issuer.name)}<br><span class="muted">${issuerStanding(issuerCode, language, platformName)}</span>` : bdi(description.issuer.name)),
    ),
    row(text.issuedOn, description.validFrom && formatDate(description.validFrom, language)),
    row(text.expiresOn, description.validUntil ? formatDate(description.validUntil, language) : text.noExpiry),
    row(text.code, links?.shortCode && html`<span class="code" dir="ltr">${links.shortCode}</span>`),
    row(text.replaces, links?.supersedes && html`<a href="${links.supersedes}">${bdi(links.supersedes)}</a>`),
  ];
  if (!verified) {
    return html`<section class="claims" aria-labelledby="details"><h2 id="details">${text.claimsHeading}</h2><p class="claims-note">${text.claimsNote}</p><dl>${rows}</dl></section>`;
  }
  return html`<section aria-labelledby="details"><h2 id="details">${text.heading}</h2><dl>${rows}</dl></section>`;
}

/** The line under the issuer's name: what the registry check found. */
function issuerStanding(code: string | undefined, language: Language, platformName: string) {
  const text = pageMessages(language).credential;
  if (code === 'issuer.recognised') return text.recognisedBy({ platformName });
  if (code === 'issuer.suspended') return text.issuerSuspended;
  if (code === 'issuer.unreachable' || code === 'issuer.not-checked') return text.issuerNotChecked;
  return text.notRecognised;
}

function checkItem(check: Check, language: Language) {
  const text = pageMessages(language).checks;
  const mark = check.code.endsWith('.not-checked') ? text.notChecked : text.outcomes[check.status];
  return html`<li class="${check.status}"><span class="mark">${mark}</span><strong>${text.names[check.check]}</strong><p>${check.message}</p></li>`;
}

function checksSection(report: VerificationReport, language: Language) {
  const text = pageMessages(language).checks;
  return html`<section aria-labelledby="checks"><h2 id="checks">${text.heading}</h2><ul class="checks">${report.checks.map((check) => checkItem(check, language))}</ul></section>`;
}

function actionsSection(report: VerificationReport, description: CredentialDescription, language: Language, links: StoredCredentialLinks) {
  const text = pageMessages(language).actions;
  const lang = `lang=${language}`;
  const linkedIn = report.verified
    ? linkedInAddToProfileUrl({
        courseName: description.course.name ?? '',
        organisation: description.issuer.name ?? '',
        issuedOn: description.validFrom,
        expiresOn: description.validUntil,
        certUrl: links.url,
        certId: links.shortCode ?? links.id,
      })
    : undefined;
  const qrAlt = text.qrAlt({ link: links.shortLink });
  return html`<section aria-labelledby="actions"><h2 id="actions">${text.heading}</h2><ul class="actions">
${printable(report) ? html`<li><a class="button primary" href="/credentials/${links.id}/certificate.pdf?${lang}">${text.downloadPdf}</a></li>` : ''}
<li><a class="button" href="/credentials/${links.id}?format=json" download="credential-${links.shortCode ?? links.id}.json" type="application/json">${text.downloadJson}</a></li>
${linkedIn ? html`<li><a class="button linkedin" href="${linkedIn}" rel="noopener noreferrer">${text.addToLinkedIn}</a></li>` : ''}
</ul>
<label for="link">${pageMessages(language).credential.link}</label><input id="link" type="url" readonly value="${links.url}" dir="ltr">
<p><button type="button" class="button" hidden data-copy="${links.url}" data-copied="${text.copied}" aria-describedby="copy-status">${text.copyLink}</button> <span id="copy-status" role="status"></span></p>
<details><summary>${text.showQr}</summary><img src="/credentials/${links.id}/qr.svg" width="220" height="220" alt="${qrAlt}" loading="lazy"><a href="/credentials/${links.id}/qr.png?download=1">${text.downloadQr}</a></details>
<p><a href="/verify?${lang}">${text.verifyAnother}</a></p></section>`;
}

/** What a report page shows: the report, what the credential says, and the links of a credential stored here. */
export interface ReportView {
  report: VerificationReport;
  description: CredentialDescription;
  language: Language;
  platformName: string;
  links?: StoredCredentialLinks;
  /** the owner's wallet offer (the page reached from their e-mail), shown under the verdict */
  wallet?: WalletOfferView;
}

/** The verdict, the credential, the checks and (for one stored here) the actions: the body of every report page. */
export function renderReport({ report, description, language, platformName, links, wallet }: ReportView) {
  return html`${verdictSection(report, language, links)}${wallet ? walletOfferSection(wallet, language) : ''}${credentialDetails({ description, language, platformName, links, verified: signatureVerified(report), issuerCode: report.checks.find((check) => check.check === 'issuer')?.code })}${checksSection(report, language)}${
    links ? actionsSection(report, description, language, links) : ''
  }`;
}

/** "Course — Recipient": the page title and the shared link's preview title. */
const credentialTitle = (description: CredentialDescription) => [description.course.name, description.recipient].filter(Boolean).join(' — ');

// Open Graph wants language_TERRITORY
const OG_LOCALES: Record<Language, string> = { en: 'en_US', fr: 'fr_FR', ar: 'ar_AR', zh: 'zh_CN' };

/** Social previews: a shared link shows the course, the recipient and the centre. */
function previewMeta(description: CredentialDescription, links: StoredCredentialLinks, language: Language, siteName: string) {
  const title = credentialTitle(description);
  const summary = [description.issuer.name, description.validFrom && formatDate(description.validFrom, language)].filter(Boolean).join(' · ');
  return html`<meta property="og:type" content="website"><meta property="og:site_name" content="${siteName}"><meta property="og:title" content="${title}"><meta property="og:description" content="${summary}"><meta property="og:url" content="${links.url}"><meta property="og:locale" content="${OG_LOCALES[language]}"><meta name="twitter:card" content="summary"><meta name="twitter:title" content="${title}"><meta name="twitter:description" content="${summary}"><meta name="description" content="${summary}"><link rel="alternate" type="application/vc" href="${links.url}">`;
}

/**
 * GET /credentials/:id for a browser: the whole page, verified on the server, complete without JavaScript. The owner's
 * wallet offer page is the same page at its own path, with the offer under the verdict.
 */
export function renderCredentialPage(view: ReportView & { links: StoredCredentialLinks; path?: string }): string {
  const text = pageMessages(view.language);
  // a document whose signature failed names no one in the tab or in a shared link's preview
  const verified = signatureVerified(view.report);
  return renderPage({
    language: view.language,
    title: verified ? credentialTitle(view.description) || text.credential.heading : text.verdicts[view.report.verdict].title,
    path: view.path ?? `/credentials/${view.links.id}`,
    platformName: view.platformName,
    head: verified ? previewMeta(view.description, view.links, view.language, text.site.name) : html`<link rel="alternate" type="application/vc" href="${view.links.url}">`,
    main: renderReport(view),
    script: COPY_LINK_SCRIPT,
  });
}
