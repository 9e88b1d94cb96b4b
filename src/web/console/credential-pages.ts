import type { Language } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { formatDate, languageName } from '../language.js';
import { type ActivityEntry, activityList } from './activity.js';
import { type ConsoleViewer, csrfField, described, errorSummary, field, notice, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';
import { type WalletKind, type WalletOfferView, walletOfferSection } from '../wallet-offer.js';

export type CredentialStateName = 'active' | 'suspended' | 'revoked' | 'superseded' | 'expired' | 'erased';
export type LifecycleAction = 'revoke' | 'suspend' | 'unsuspend';

/** A credential as the console lists and shows it (the API's view, plus the course's name in the reader's language). */
export interface ConsoleCredential {
  id: string;
  url: string;
  recipient: { name: string; email: string | null; did: string | null };
  courseName: string;
  language: string;
  issuedAt: string;
  validFrom: string;
  validUntil: string | null;
  status: CredentialStateName;
  shortCode: string | null;
  revocation: { at: string; reason: string | null } | null;
  suspension: { at: string; until: string | null; reason: string | null } | null;
  supersedes: { id: string } | null;
  supersededBy: { id: string } | null;
}

/** A copy of the credential handed to a wallet (the holder's DID is null once the learner's data is erased). */
export interface WalletCopy {
  issuedAt: Date;
  holderDid: string | null;
  protocol: WalletKind | null;
}

export interface CourseOption {
  id: string;
  label: string;
}

/** The search form's values as typed (shown back as they were). */
export interface CredentialSearch {
  name?: string;
  email?: string;
  code?: string;
  course?: string;
  status?: string;
  from?: string;
  to?: string;
}

const statusTag = (status: CredentialStateName, language: Language) => html`<span class="tag tag-${status}">${consoleMessages(language).credentials.states[status]}</span>`;

const selectOptions = (options: { value: string; label: string }[], selected: string | undefined) =>
  options.map((option) => html`<option value="${option.value}"${option.value === (selected ?? '') ? html` selected` : ''}>${option.label}</option>`);

/** The query string of a search (for pagination and the CSV link), without empty fields. */
export function searchQuery(search: CredentialSearch, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...search, ...extra })) if (value) params.set(key, value);
  return params.toString();
}

/** GET /console/credentials: search (name, e-mail, code, course, status, dates), results a page at a time, CSV export. */
export function renderCredentialListPage({
  language,
  platformName,
  viewer,
  search,
  errors,
  courses,
  items,
  nextCursor,
  firstPage,
  centre,
}: {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  search: CredentialSearch;
  errors: { field: string; message: string }[];
  courses: CourseOption[];
  items: ConsoleCredential[];
  nextCursor: string | null;
  firstPage: boolean;
  /** a platform admin reading a centre's credentials: its slug (kept in every link) */
  centre?: string;
}): string {
  const text = consoleMessages(language);
  const words = text.credentials;
  const errorOf = (name: string) => errors.find((error) => error.field === name)?.message;
  const input = (name: keyof CredentialSearch, label: string, type = 'search') =>
    field({ id: name, label, error: errorOf(name), control: html`<input type="${type}" id="${name}" name="${name}" value="${search[name] ?? ''}"${described(name, { error: errorOf(name) })}>` });
  const base = { lang: language, ...(centre ? { centre } : {}) };
  const rows = items.map(
    (item) =>
      html`<tr><td><a href="/console/credentials/${item.id}?${searchQuery({}, base)}"><bdi>${item.recipient.name}</bdi></a>${item.recipient.email ? html`<br><span class="muted">${item.recipient.email}</span>` : ''}</td><td><bdi>${item.courseName}</bdi></td><td>${formatDate(item.issuedAt, language)}</td><td>${statusTag(item.status, language)}</td><td class="code" dir="ltr">${item.shortCode ?? ''}</td></tr>`,
  );
  const results = items.length
    ? html`<div class="table-wrap"><table><caption class="muted">${words.results}</caption><thead><tr><th scope="col">${words.recipient}</th><th scope="col">${words.course}</th><th scope="col">${words.issued}</th><th scope="col">${words.status}</th><th scope="col">${words.shortCode}</th></tr></thead><tbody>${rows}</tbody></table></div>`
    : html`<p>${words.noResults}</p>`;
  const pager = html`<nav class="pager" aria-label="${text.common.pagination}">${firstPage ? html`<span></span>` : html`<a href="/console/credentials?${searchQuery(search, base)}">${text.common.newer}</a>`}${nextCursor ? html`<a href="/console/credentials?${searchQuery(search, { ...base, cursor: nextCursor })}">${text.common.older}</a>` : ''}</nav>`;
  return renderConsolePage({
    language,
    platformName,
    title: words.title,
    path: `/console/credentials${centre ? `?centre=${centre}` : ''}`,
    viewer,
    section: 'credentials',
    main: html`<h1>${words.title}</h1>${errorSummary(language, errors)}
<section aria-labelledby="search-heading"><h2 id="search-heading">${words.search}</h2><form method="get" action="/console/credentials"><input type="hidden" name="lang" value="${language}">${centre ? html`<input type="hidden" name="centre" value="${centre}">` : ''}
<div class="form-grid">${input('name', words.name)}${input('email', words.email, 'email')}${input('code', words.code)}
${field({ id: 'course', label: words.course, error: errorOf('course'), control: html`<select id="course" name="course"${described('course', { error: errorOf('course') })}>${selectOptions([{ value: '', label: words.anyCourse }, ...courses.map((course) => ({ value: course.id, label: course.label }))], search.course)}</select>` })}
${field({ id: 'status', label: words.status, error: errorOf('status'), control: html`<select id="status" name="status"${described('status', { error: errorOf('status') })}>${selectOptions([{ value: '', label: words.anyStatus }, ...(['active', 'suspended', 'revoked', 'superseded', 'expired'] as const).map((state) => ({ value: state, label: words.states[state] }))], search.status)}</select>` })}
${input('from', words.from, 'date')}${input('to', words.to, 'date')}</div>
<p class="actions"><button type="submit" class="primary">${words.searchButton}</button> <a class="button" href="/console/credentials?${searchQuery({}, base)}">${words.clear}</a></p></form></section>
<section aria-labelledby="results-heading"><h2 id="results-heading">${words.results}</h2><p><a href="/console/credentials/export.csv?${searchQuery(search, base)}" download>${words.export}</a></p>${results}${pager}</section>`,
  });
}

const definition = (term: string, value: Fragment) => html`<dt>${term}</dt><dd>${value}</dd>`;

/** GET /console/credentials/:id: the credential, its status, its deliveries and its history, and what may be done to it. */
export function renderCredentialPage({
  language,
  platformName,
  viewer,
  credential,
  deliveries,
  history,
  message,
  readOnly,
  shortLink,
  delivery = {},
  walletCopies,
  centre,
}: {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  credential: ConsoleCredential;
  deliveries: { to: string; state: string; at: string }[];
  /** the copies handed to wallets, bound to the holder's DID (null once erased) */
  walletCopies: WalletCopy[];
  history: ActivityEntry[];
  message?: string;
  /** a platform admin reading another centre's credential */
  readOnly: boolean;
  /** the link printed and in the QR code (`/v/<code>`) */
  shortLink: string;
  /** the send form after a refused attempt: the address as typed and why */
  delivery?: { email?: string; error?: string };
  /** a platform admin reading a centre's credential: its slug (kept in every link) */
  centre?: string;
}): string {
  const text = consoleMessages(language);
  const words = text.credential;
  const status = credential.status;
  const may = (permission: string) => !readOnly && viewer.permissions.has(permission);
  const actionLink = (action: string, label: string, danger = false) => html`<li><a class="button${danger ? ' danger' : ''}" href="/console/credentials/${credential.id}/${action}?lang=${language}">${label}</a></li>`;
  const actions = [
    may('credentials:manage') && status !== 'revoked' && status !== 'superseded' && status !== 'erased' ? actionLink('reissue', words.reissue) : '',
    may('credentials:manage') && (status === 'active' || status === 'expired') ? actionLink('suspend', words.suspend) : '',
    may('credentials:manage') && status === 'suspended' ? actionLink('unsuspend', words.unsuspend) : '',
    may('credentials:manage') && status !== 'revoked' && status !== 'superseded' && status !== 'erased' ? actionLink('revoke', words.revoke, true) : '',
    may('credentials:manage') && status !== 'erased' ? actionLink('erase', words.erase, true) : '',
  ].filter((action) => action !== '');
  const deliveryEmail = delivery.email ?? credential.recipient.email ?? '';
  // what may go into a wallet: a credential that holds now (an expired one is still the learner's record)
  const walletForm =
    may('credentials:issue') && (status === 'active' || status === 'expired')
      ? html`<p>${words.walletText}</p><form method="post" action="/console/credentials/${credential.id}/wallet-offer?lang=${language}">${csrfField(viewer.csrfToken)}<p class="actions"><button type="submit">${words.walletButton}</button></p></form>`
      : '';
  const sendForm =
    may('credentials:issue') && status !== 'revoked' && status !== 'superseded' && status !== 'erased'
      ? html`<form method="post" action="/console/credentials/${credential.id}/redeliver?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
${field({ id: 'email', label: words.sendTo, error: delivery.error, control: html`<input type="email" id="email" name="email" value="${deliveryEmail}" dir="ltr" maxlength="254" required${described('email', { error: delivery.error })}>` })}
<p class="actions"><button type="submit">${credential.recipient.email || deliveries.length ? words.redeliver : words.deliver}</button></p></form>`
      : '';
  return renderConsolePage({
    language,
    platformName,
    title: words.title({ name: credential.recipient.name }),
    path: `/console/credentials/${credential.id}`,
    viewer,
    section: 'credentials',
    main: html`<h1>${words.title({ name: credential.recipient.name })}</h1>${notice(message)}
<section aria-labelledby="details-heading"><h2 id="details-heading">${words.details}</h2><dl>
${definition(text.credentials.status, statusTag(status, language))}
${credential.revocation ? definition('', words.revocation({ date: formatDate(credential.revocation.at, language), reason: credential.revocation.reason ?? '' })) : ''}
${credential.suspension && status === 'suspended' ? definition('', words.suspension({ date: formatDate(credential.suspension.at, language), reason: credential.suspension.reason ?? '' })) : ''}
${credential.supersededBy ? definition('', html`<a href="/console/credentials/${credential.supersededBy.id}?${searchQuery({}, { lang: language, ...(centre ? { centre } : {}) })}">${words.replacedBy}</a>`) : ''}
${credential.supersedes ? definition('', html`<a href="/console/credentials/${credential.supersedes.id}?${searchQuery({}, { lang: language, ...(centre ? { centre } : {}) })}">${words.replaces}</a>`) : ''}
${definition(text.credentials.recipient, html`<bdi>${credential.recipient.name}</bdi>`)}
${definition(text.credentials.email, credential.recipient.email ?? text.common.none)}
${definition(text.credentials.course, html`<bdi>${credential.courseName}</bdi>`)}
${definition(words.language, languageName(credential.language, language))}
${definition(text.credentials.issued, formatDate(credential.issuedAt, language, true))}
${definition(words.validFrom, formatDate(credential.validFrom, language))}
${definition(words.validUntil, credential.validUntil ? formatDate(credential.validUntil, language) : text.common.none)}
${definition(text.credentials.shortCode, html`<span class="code" dir="ltr">${credential.shortCode ?? ''}</span>`)}
${definition(words.link, html`<a href="${credential.url}" dir="ltr">${credential.url}</a>`)}
</dl></section>
<section aria-labelledby="share-heading"><h2 id="share-heading">${words.share}</h2><p>${words.shareText}</p><p><a href="${shortLink}" dir="ltr">${shortLink}</a></p>
<img src="/credentials/${credential.id}/qr.svg" width="160" height="160" alt="${words.qrAlt({ link: shortLink })}"><p><a href="/credentials/${credential.id}/qr.png?download=1">${words.downloadQr}</a> · <a href="/credentials/${credential.id}/certificate.pdf">${words.downloadPdf}</a></p></section>
${actions.length ? html`<section aria-labelledby="actions-heading"><h2 id="actions-heading">${words.actions}</h2><ul class="actions">${actions}</ul></section>` : ''}
<section aria-labelledby="delivery-heading"><h2 id="delivery-heading">${words.delivery}</h2>${deliveries.length ? html`<ul>${deliveries.map((entry) => html`<li><bdi dir="ltr">${entry.to}</bdi> — ${words.deliveryStates[entry.state as keyof typeof words.deliveryStates] ?? entry.state} (${formatDate(entry.at, language, true)})</li>`)}</ul>` : html`<p>${words.notDelivered}</p>`}${sendForm}</section>
<section aria-labelledby="wallet-heading"><h2 id="wallet-heading">${words.wallet}</h2>${walletForm}<h3>${words.walletCopies}</h3><p class="muted">${words.walletCopiesText}</p>${
      walletCopies.length
        ? html`<ul>${walletCopies.map((copy) => html`<li>${words.walletCopy({ date: formatDate(copy.issuedAt, language, true), protocol: copy.protocol ? words.walletProtocols[copy.protocol] : text.common.none })}${copy.holderDid ? html`<br><bdi dir="ltr" class="code">${copy.holderDid}</bdi>` : ''}</li>`)}</ul>`
        : html`<p>${words.noWalletCopies}</p>`
    }</section>
<section aria-labelledby="history-heading"><h2 id="history-heading">${words.history}</h2>${activityList(history, language, { centre })}</section>`,
  });
}

/**
 * The confirmation step of a revocation, suspension or lifting one: what it means, a required reason, and a button
 * that says what it does; the error (an empty reason) is shown in place and in the summary.
 */
export function renderLifecycleConfirmPage({
  language,
  platformName,
  viewer,
  credential,
  action,
  reason = '',
  error,
}: {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  credential: Pick<ConsoleCredential, 'id' | 'recipient' | 'courseName'>;
  action: LifecycleAction;
  reason?: string;
  error?: string;
}): string {
  const text = consoleMessages(language);
  const words = text.credential;
  return renderConsolePage({
    language,
    platformName,
    title: words.confirmTitle[action],
    path: `/console/credentials/${credential.id}/${action}`,
    viewer,
    section: 'credentials',
    main: html`<h1>${words.confirmTitle[action]}</h1>${errorSummary(language, error ? [{ field: 'reason', message: error }] : [])}
<section><p><strong><bdi>${credential.recipient.name}</bdi></strong> — <bdi>${credential.courseName}</bdi></p><p>${words.confirmText[action]}</p>
<form method="post" action="/console/credentials/${credential.id}/${action}?lang=${language}" novalidate>${csrfField(viewer.csrfToken)}
${field({ id: 'reason', label: words.reason, hint: words.reasonHint, error, control: html`<textarea id="reason" name="reason" maxlength="500" required${described('reason', { hint: words.reasonHint, error })}>${reason}</textarea>` })}
<p class="actions"><button type="submit" class="primary${action === 'revoke' ? ' danger' : ''}">${words.confirmButton[action]}</button> <a class="button" href="/console/credentials/${credential.id}?lang=${language}">${text.common.cancel}</a></p></form></section>`,
  });
}

/**
 * The wallet offer just created for a credential, shown this once (the response to the form, never a page to come
 * back to): the QR codes and buttons the learner's page shows, and the link to send the learner privately.
 */
export function renderWalletOfferPage({
  language,
  platformName,
  viewer,
  credential,
  offer,
  link,
}: {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
  credential: Pick<ConsoleCredential, 'id' | 'recipient' | 'courseName'>;
  offer: WalletOfferView;
  /** the offer's page (`/wallet/offers/<secret>`) */
  link: string;
}): string {
  const text = consoleMessages(language);
  const words = text.credential;
  const title = words.walletOfferTitle({ name: credential.recipient.name });
  return renderConsolePage({
    language,
    platformName,
    title,
    path: `/console/credentials/${credential.id}`,
    viewer,
    section: 'credentials',
    main: html`<h1>${title}</h1><p><bdi>${credential.courseName}</bdi></p><p>${words.walletOfferText}</p>
${walletOfferSection(offer, language)}
<section><label for="offer-link">${words.walletOfferLink}</label><input id="offer-link" type="url" readonly value="${link}" dir="ltr"></section>
<p><a href="/console/credentials/${credential.id}?lang=${language}">${words.backToCredential}</a></p>`,
  });
}
