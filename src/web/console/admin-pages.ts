import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { type Fragment, html } from '../html.js';
import { formatDate, localeOf } from '../language.js';
import { pageMessages } from '../messages/index.js';
import { actionText, actorText } from './activity.js';
import { type ConsoleViewer, csrfField, described, errorSummary, field, notice, renderConsolePage } from './layout.js';
import { consoleMessages } from './messages/index.js';

export const ADMIN_AREAS = ['centres', 'courses', 'authorisations', 'registry', 'audit', 'staff'] as const;
export type AdminArea = (typeof ADMIN_AREAS)[number];

export interface AdminPageBase {
  language: Language;
  platformName: string;
  viewer: ConsoleViewer;
}

export type FormErrors = { field: string; message: string }[];

/** A page of the platform's part of the console: its sections' navigation above the content. */
export function renderAdminPage({ language, platformName, viewer, area, title, path, main }: AdminPageBase & { area?: AdminArea; title: string; path: string; main: Fragment }): string {
  const words = consoleMessages(language).admin;
  const sections = html`<nav aria-label="${words.sectionsLabel}" class="admin-nav"><ul>${ADMIN_AREAS.map(
    (key) => html`<li><a href="/console/admin/${key}?lang=${language}"${key === area ? html` aria-current="page"` : ''}>${words.areas[key]}</a></li>`,
  )}</ul></nav>`;
  return renderConsolePage({ language, platformName, title, path, viewer, section: 'admin', main: html`${sections}${main}` });
}

/** The error of a field, from a refused form's errors. */
export const errorIn = (errors: FormErrors) => (id: string) => errors.find((error) => error.field === id)?.message;

/** A country's name in the reader's language, from its ISO 3166-1 code. */
export function countryName(code: string, language: Language): string {
  try {
    return new Intl.DisplayNames([localeOf(language)], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export const selectOptions = (choices: readonly { value: string; label: string }[], selected: string | undefined) =>
  choices.map((choice) => html`<option value="${choice.value}"${choice.value === (selected ?? '') ? html` selected` : ''}>${choice.label}</option>`);

/** The four languages as options, each named in its own language (as the page's language switcher names them). */
export const languageOptions = (selected: string | undefined) => selectOptions(LANGUAGES.map((code) => ({ value: code, label: pageMessages(code).languageName })), selected);

/** A table with column headings; the caller gives the rows. */
export const table = (headings: Fragment[], rows: Fragment[]) =>
  html`<div class="table-wrap"><table><thead><tr>${headings.map((heading) => html`<th scope="col">${heading}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

/** Newer (back to the first page) and older links of a keyset-paginated list. */
export function pager(language: Language, { firstPage, first, next }: { firstPage: boolean; first: string; next: string | null }) {
  const text = consoleMessages(language).common;
  return html`<nav class="pager" aria-label="${text.pagination}">${firstPage ? html`<span></span>` : html`<a href="${first}">${text.newer}</a>`}${next ? html`<a href="${next}">${text.older}</a>` : ''}</nav>`;
}

/** A query string from the non-empty values. */
export function queryOf(values: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) params.set(key, value);
  return params.toString();
}

/** A form that posts to `action` with the session's CSRF field. */
export const postForm = (viewer: ConsoleViewer, action: string, content: Fragment, attributes: Fragment = '') =>
  html`<form method="post" action="${action}"${attributes}>${csrfField(viewer.csrfToken)}${content}</form>`;

/** A required reason, its hint and error tied to it. */
export function reasonField(language: Language, { id, value = '', error }: { id: string; value?: string; error?: string }) {
  const words = consoleMessages(language).admin;
  return field({
    id,
    label: words.reason,
    hint: words.reasonHint,
    error,
    control: html`<textarea id="${id}" name="reason" maxlength="500" rows="2" required${described(id, { hint: words.reasonHint, error })}>${value}</textarea>`,
  });
}

/** GET /console/admin: the platform's sections, each with what it is for. */
export function renderAdminHome({ language, platformName, viewer, message }: AdminPageBase & { message?: string }): string {
  const words = consoleMessages(language).admin;
  return renderAdminPage({
    language,
    platformName,
    viewer,
    title: words.title,
    path: '/console/admin',
    main: html`<h1>${words.title}</h1>${notice(message)}<p>${words.intro}</p><ul class="admin-areas">${ADMIN_AREAS.map(
      (key) => html`<li><a href="/console/admin/${key}?lang=${language}">${words.areas[key]}</a> — ${words.areaHints[key]}</li>`,
    )}</ul>`,
  });
}

/** One recognised centre of the registry, with its keys counted from the database. */
export interface RegistryCentre {
  did: string;
  slug: string | null;
  name: string;
  countryCode: string;
  status: 'active' | 'suspended';
  courses: number;
  keys: { active: number; retired: number; compromised: number } | null;
}

/** GET /console/admin/registry: the registry as published, its centres a page at a time. */
export function renderRegistryPage({
  language,
  platformName,
  viewer,
  version,
  validFrom,
  signedBy,
  centres,
  page,
  pages,
}: AdminPageBase & { version: number; validFrom: string; signedBy: string; centres: RegistryCentre[]; page: number; pages: number }): string {
  const text = consoleMessages(language);
  const words = text.admin.registry;
  const number = (value: number) => new Intl.NumberFormat(localeOf(language)).format(value);
  const rows = centres.map(
    (centre) =>
      html`<tr><td>${centre.slug ? html`<a href="/console/admin/centres/${centre.slug}?lang=${language}"><bdi>${centre.name}</bdi></a>` : html`<bdi>${centre.name}</bdi>`}<br><span class="code muted" dir="ltr">${centre.did}</span></td><td>${countryName(centre.countryCode, language)}</td><td><span class="tag tag-${centre.status}">${text.admin.centres.states[centre.status]}</span></td><td>${number(centre.courses)}</td><td>${centre.keys ? words.keyCounts({ active: number(centre.keys.active), retired: number(centre.keys.retired), compromised: number(centre.keys.compromised) }) : text.common.none}</td></tr>`,
  );
  const link = (n: number) => `/console/admin/registry?${queryOf({ lang: language, page: n > 1 ? String(n) : undefined })}`;
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'registry',
    title: text.admin.areas.registry,
    path: '/console/admin/registry',
    main: html`<h1>${text.admin.areas.registry}</h1><p>${words.intro}</p>
<section aria-labelledby="published-heading"><h2 id="published-heading">${words.version} ${number(version)}</h2><dl><dt>${words.published}</dt><dd>${formatDate(validFrom, language, true)}</dd><dt>${words.signedBy}</dt><dd class="code" dir="ltr">${signedBy}</dd></dl>
<p><a href="/registry" dir="auto">${words.json}</a></p></section>
<section aria-labelledby="recognised-heading"><h2 id="recognised-heading">${words.centresHeading}</h2>${
      centres.length ? table([words.centre, text.admin.centres.country, text.admin.centres.status, words.courses, words.keys], rows) : html`<p>${words.none}</p>`
    }${pages > 1 ? pager(language, { firstPage: page <= 1, first: link(page - 1), next: page < pages ? link(page + 1) : null }) : ''}</section>`,
  });
}

/** One entry of the audit trail across centres. */
export interface AuditEntry {
  id: string;
  at: Date;
  action: string;
  actor: { kind: 'client' | 'staff' | 'cli' | 'system'; name: string | null };
  /** the centre's slug, or null for the platform's own changes */
  centre: string | null;
  target: string | null;
  credentialId: string | null;
  reason: string | null;
}

export interface AuditFilters {
  centre?: string;
  action?: string;
  from?: string;
  to?: string;
}

/** GET /console/admin/audit: the trail of every centre, filtered by centre, action and dates, 25 a page. */
export function renderAuditPage({
  language,
  platformName,
  viewer,
  filters,
  errors,
  centres,
  actions,
  entries,
  firstPage,
  nextCursor,
}: AdminPageBase & { filters: AuditFilters; errors: FormErrors; centres: { slug: string; name: string }[]; actions: string[]; entries: AuditEntry[]; firstPage: boolean; nextCursor: string | null }): string {
  const text = consoleMessages(language);
  const words = text.admin.audit;
  const errorOf = errorIn(errors);
  const dateInput = (id: 'from' | 'to', label: string) =>
    field({ id, label, error: errorOf(id), control: html`<input type="date" id="${id}" name="${id}" value="${filters[id] ?? ''}"${described(id, { error: errorOf(id) })}>` });
  const form = html`<form method="get" action="/console/admin/audit"><input type="hidden" name="lang" value="${language}"><div class="form-grid">
${field({ id: 'centre', label: words.centre, error: errorOf('centre'), control: html`<select id="centre" name="centre"${described('centre', { error: errorOf('centre') })}>${selectOptions([{ value: '', label: words.anyCentre }, ...centres.map((centre) => ({ value: centre.slug, label: centre.name }))], filters.centre)}</select>` })}
${field({ id: 'action', label: words.action, error: errorOf('action'), control: html`<select id="action" name="action"${described('action', { error: errorOf('action') })}>${selectOptions([{ value: '', label: words.anyAction }, ...actions.map((action) => ({ value: action, label: actionText(action, language) }))], filters.action)}</select>` })}
${dateInput('from', words.from)}${dateInput('to', words.to)}</div>
<p class="actions"><button type="submit" class="primary">${words.filter}</button> <a class="button" href="/console/admin/audit?lang=${language}">${words.clear}</a></p></form>`;
  const rows = entries.map(
    (entry) =>
      html`<tr><td><time datetime="${entry.at.toISOString()}">${formatDate(entry.at, language, true)}</time></td><td><bdi>${actorText(entry.actor, language)}</bdi></td><td>${actionText(entry.action, language)}${
        entry.credentialId && entry.centre ? html` · <a href="/console/credentials/${entry.credentialId}?${queryOf({ lang: language, centre: entry.centre })}">${words.credential}</a>` : ''
      }${entry.reason ? html`<br><span class="muted">${words.because({ reason: entry.reason })}</span>` : ''}</td><td>${entry.centre ? html`<a href="/console/admin/centres/${entry.centre}?lang=${language}" dir="ltr">${entry.centre}</a>` : words.platform}</td></tr>`,
  );
  const base = { lang: language, ...filters };
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'audit',
    title: text.admin.areas.audit,
    path: '/console/admin/audit',
    main: html`<h1>${text.admin.areas.audit}</h1>${errorSummary(language, errors)}<p>${words.intro}</p><section>${form}</section>
<section aria-label="${text.admin.areas.audit}">${entries.length ? table([words.when, words.who, words.what, words.where], rows) : html`<p>${words.none}</p>`}${pager(language, {
      firstPage,
      first: `/console/admin/audit?${queryOf(base)}`,
      next: nextCursor ? `/console/admin/audit?${queryOf({ ...base, cursor: nextCursor })}` : null,
    })}</section>`,
  });
}

export interface PlatformAdmin {
  id: string;
  name: string;
  email: string;
  state: 'invited' | 'active' | 'removed';
}

export interface InviteForm {
  name?: string;
  email?: string;
  language?: string;
}

/** The invitation fields (name, address, language of the e-mail), shared by the admin and the centre-manager forms. */
export function inviteFields(language: Language, { values, errors }: { values: InviteForm; errors: FormErrors }) {
  const words = consoleMessages(language).settings;
  const errorOf = errorIn(errors);
  return html`<div class="form-grid">
${field({ id: 'invite-name', label: words.inviteName, error: errorOf('invite-name'), control: html`<input type="text" id="invite-name" name="name" maxlength="200" value="${values.name ?? ''}"${described('invite-name', { error: errorOf('invite-name') })}>` })}
${field({ id: 'invite-email', label: words.inviteEmail, error: errorOf('invite-email'), control: html`<input type="email" id="invite-email" name="email" maxlength="254" dir="ltr" value="${values.email ?? ''}"${described('invite-email', { error: errorOf('invite-email') })}>` })}
${field({ id: 'invite-language', label: words.inviteLanguage, control: html`<select id="invite-language" name="language">${languageOptions(values.language ?? language)}</select>` })}
</div>`;
}

/** GET /console/admin/staff: the platform's admins, an invitation form, and removal (the service keeps the last one). */
export function renderPlatformStaffPage({
  language,
  platformName,
  viewer,
  staffId,
  admins,
  invite = {},
  errors = [],
  message,
}: AdminPageBase & { staffId: string; admins: PlatformAdmin[]; invite?: InviteForm; errors?: FormErrors; message?: string }): string {
  const text = consoleMessages(language);
  const words = text.admin.staff;
  const settings = text.settings;
  const rows = admins.map((admin) => {
    const self = admin.id === staffId;
    return html`<tr><td><bdi>${admin.name}</bdi>${self ? html` <span class="muted">${settings.you}</span>` : ''}</td><td dir="ltr">${admin.email}</td><td>${settings.staffStates[admin.state]}</td><td>${
      self ? '' : postForm(viewer, `/console/admin/staff/${admin.id}/remove?lang=${language}`, html`<button type="submit" class="danger" aria-label="${settings.removeLabel({ name: admin.name })}">${settings.remove}</button>`, html` class="inline-form"`)
    }</td></tr>`;
  });
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'staff',
    title: text.admin.areas.staff,
    path: '/console/admin/staff',
    main: html`<h1>${text.admin.areas.staff}</h1>${errorSummary(language, errors)}${notice(message)}<p>${words.intro}</p>
<section aria-labelledby="admins-heading"><h2 id="admins-heading">${text.admin.areas.staff}</h2>${table([settings.staffName, settings.staffEmail, settings.staffState, ''], rows)}</section>
<section aria-labelledby="invite-heading"><h2 id="invite-heading">${words.inviteHeading}</h2><p>${words.inviteIntro}</p>${postForm(
      viewer,
      `/console/admin/staff?lang=${language}`,
      html`${inviteFields(language, { values: invite, errors })}<p class="actions"><button type="submit" class="primary">${settings.inviteButton}</button></p>`,
      html` novalidate`,
    )}</section>`,
  });
}
