import { type Language, LANGUAGES } from '../../lib/i18n.js';
import { html } from '../html.js';
import { directionOf, formatDate, languageName } from '../language.js';
import {
  type AdminPageBase,
  countryName,
  errorIn,
  type FormErrors,
  type InviteForm,
  inviteFields,
  languageOptions,
  pager,
  postForm,
  queryOf,
  reasonField,
  renderAdminPage,
  table,
} from './admin-pages.js';
import { checkboxField, described, errorSummary, field, formControls, notice } from './layout.js';
import { consoleMessages } from './messages/index.js';

/** A centre as the platform's pages show it (the API's view, its name in the reader's language). */
export interface AdminCentre {
  slug: string;
  did: string;
  name: string;
  countryCode: string;
  defaultLanguage: string;
  hostInstitution: string | null;
  websiteUrl: string | null;
  contactEmail: string | null;
  status: 'active' | 'suspended';
  createdAt: string;
}

/** The registration form as typed. */
export interface CentreForm {
  slug?: string;
  'name-en'?: string;
  'name-fr'?: string;
  'name-ar'?: string;
  'name-zh'?: string;
  countryCode?: string;
  defaultLanguage?: string;
  hostInstitution?: string;
  websiteUrl?: string;
  contactEmail?: string;
}

export const CENTRE_FORM_FIELDS = ['slug', 'name-en', 'name-fr', 'name-ar', 'name-zh', 'countryCode', 'defaultLanguage', 'hostInstitution', 'websiteUrl', 'contactEmail'] as const;

const stateTag = (status: 'active' | 'suspended', language: Language) => html`<span class="tag tag-${status}">${consoleMessages(language).admin.centres.states[status]}</span>`;

/** GET /console/admin/centres: every centre, 25 a page, with a way to read its credentials. */
export function renderCentreListPage({ language, platformName, viewer, centres, firstPage, nextCursor }: AdminPageBase & { centres: AdminCentre[]; firstPage: boolean; nextCursor: string | null }): string {
  const text = consoleMessages(language);
  const words = text.admin.centres;
  const rows = centres.map(
    (centre) =>
      html`<tr><td><a href="/console/admin/centres/${centre.slug}?lang=${language}"><bdi>${centre.name}</bdi></a></td><td class="code" dir="ltr">${centre.slug}</td><td>${countryName(centre.countryCode, language)}</td><td>${stateTag(centre.status, language)}</td><td><a href="/console/credentials?${queryOf({ lang: language, centre: centre.slug })}" aria-label="${words.readCredentials({ name: centre.name })}">${words.credentials}</a></td></tr>`,
  );
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'centres',
    title: text.admin.areas.centres,
    path: '/console/admin/centres',
    main: html`<h1>${text.admin.areas.centres}</h1><p>${words.intro}</p><p><a class="button primary" href="/console/admin/centres/new?lang=${language}">${words.register}</a></p>
<section aria-label="${text.admin.areas.centres}">${centres.length ? table([words.name, words.slug, words.country, words.status, words.credentials], rows) : html`<p>${words.none}</p>`}${pager(language, {
      firstPage,
      first: `/console/admin/centres?lang=${language}`,
      next: nextCursor ? `/console/admin/centres?${queryOf({ lang: language, cursor: nextCursor })}` : null,
    })}</section>`,
  });
}

/** GET /console/admin/centres/new (and again after a refused submission): a centre's registration. */
export function renderCentreForm({ language, platformName, viewer, values = {}, errors = [] }: AdminPageBase & { values?: CentreForm; errors?: FormErrors }): string {
  const text = consoleMessages(language);
  const words = text.admin.centres;
  const { input, errorOf } = formControls(values, errors);
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'centres',
    title: words.register,
    path: '/console/admin/centres/new',
    main: html`<h1>${words.register}</h1>${errorSummary(language, errors)}<p>${words.newIntro}</p>${postForm(
      viewer,
      `/console/admin/centres?lang=${language}`,
      html`${input('slug', words.slug, { hint: words.slugHint, max: 63, dir: 'ltr' })}
<fieldset><legend>${words.names}</legend><p class="hint">${words.namesHint}</p><div class="form-grid">${LANGUAGES.map((code) => input(`name-${code}`, languageName(code, language), { max: 200, dir: directionOf(code), lang: code }))}</div></fieldset>
<div class="form-grid">${input('countryCode', words.countryCode, { hint: words.countryCodeHint, max: 2, dir: 'ltr' })}
${field({ id: 'defaultLanguage', label: words.defaultLanguage, error: errorOf('defaultLanguage'), control: html`<select id="defaultLanguage" name="defaultLanguage"${described('defaultLanguage', { error: errorOf('defaultLanguage') })}>${languageOptions(values.defaultLanguage ?? 'en')}</select>` })}</div>
${input('hostInstitution', words.hostInstitution, { hint: words.hostInstitutionHint, max: 200 })}
<div class="form-grid">${input('websiteUrl', words.websiteUrl, { type: 'url', max: 2000, dir: 'ltr' })}${input('contactEmail', words.contactEmail, { type: 'email', hint: words.contactEmailHint, max: 254, dir: 'ltr' })}</div>
<p class="actions"><button type="submit" class="primary" data-once>${words.create}</button> <a class="button" href="/console/admin/centres?lang=${language}">${text.common.cancel}</a></p>`,
      html` novalidate`,
    )}`,
  });
}

export interface CentreKey {
  /** the verification method id (a DID URL) */
  id: string;
  status: 'active' | 'retired' | 'compromised';
  createdAt: string;
}

export interface CentreStaffMember {
  name: string;
  email: string;
  role: 'viewer' | 'issuer' | 'manager' | 'admin';
  state: 'invited' | 'active' | 'removed';
}

/** The fragment of a verification method id: the key's public part, which the pages show and link by. */
export const keyFragment = (id: string) => id.slice(id.indexOf('#') + 1);

/**
 * GET /console/admin/centres/:slug: the centre's details, its status (suspend / reactivate with a reason), its staff
 * and the invitation of a manager, and its keys (each one that still verifies can be reported compromised).
 */
export function renderCentrePage({
  language,
  platformName,
  viewer,
  centre,
  staff,
  keys,
  message,
  invite = {},
  reason,
  errors = [],
}: AdminPageBase & { centre: AdminCentre; staff: CentreStaffMember[]; keys: CentreKey[]; message?: string; invite?: InviteForm; reason?: string; errors?: FormErrors }): string {
  const text = consoleMessages(language);
  const words = text.admin.centres;
  const errorOf = errorIn(errors);
  const base = `/console/admin/centres/${centre.slug}`;
  const suspended = centre.status === 'suspended';
  const staffRows = staff.map(
    (member) => html`<tr><td><bdi>${member.name}</bdi></td><td dir="ltr">${member.email}</td><td>${text.roles[member.role]}</td><td>${text.settings.staffStates[member.state]}</td></tr>`,
  );
  const keyRows = keys.map(
    (key) =>
      html`<tr><td class="code" dir="ltr">${keyFragment(key.id)}</td><td>${text.settings.keyStates[key.status]}</td><td>${formatDate(key.createdAt, language, true)}</td><td>${
        key.status === 'compromised' ? '' : html`<a class="button danger" href="${base}/keys/${keyFragment(key.id)}/compromise?lang=${language}" aria-label="${words.compromiseLabel({ key: keyFragment(key.id) })}">${words.compromise}</a>`
      }</td></tr>`,
  );
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'centres',
    title: centre.name,
    path: base,
    main: html`<h1><bdi>${centre.name}</bdi></h1>${errorSummary(language, errors)}${notice(message)}
<section aria-labelledby="details-heading"><h2 id="details-heading">${words.details}</h2><dl>
<dt>${words.status}</dt><dd>${stateTag(centre.status, language)}</dd>
<dt>${words.slug}</dt><dd class="code" dir="ltr">${centre.slug}</dd>
<dt>${words.did}</dt><dd class="code" dir="ltr">${centre.did}</dd>
<dt>${words.country}</dt><dd>${countryName(centre.countryCode, language)} (<span dir="ltr">${centre.countryCode}</span>)</dd>
<dt>${words.defaultLanguage}</dt><dd>${languageName(centre.defaultLanguage, language)}</dd>
${centre.hostInstitution ? html`<dt>${words.hostInstitution}</dt><dd><bdi>${centre.hostInstitution}</bdi></dd>` : ''}
${centre.websiteUrl ? html`<dt>${words.websiteUrl}</dt><dd><a href="${centre.websiteUrl}" dir="ltr">${centre.websiteUrl}</a></dd>` : ''}
${centre.contactEmail ? html`<dt>${words.contactEmail}</dt><dd dir="ltr">${centre.contactEmail}</dd>` : ''}
<dt>${words.registered}</dt><dd>${formatDate(centre.createdAt, language)}</dd>
</dl><p><a href="/centres/${centre.slug}">${words.profile}</a> · <a href="/console/credentials?${queryOf({ lang: language, centre: centre.slug })}">${words.readCredentials({ name: centre.name })}</a> · <a href="/console/admin/authorisations?${queryOf({ lang: language, centre: centre.slug })}">${words.authorisationsLink}</a> · <a href="/console/admin/audit?${queryOf({ lang: language, centre: centre.slug })}">${words.auditLink}</a></p></section>
<section aria-labelledby="status-heading"><h2 id="status-heading">${words.statusHeading}</h2><p>${suspended ? words.reactivateIntro : words.suspendIntro}</p>${postForm(
      viewer,
      `${base}/${suspended ? 'reactivate' : 'suspend'}?lang=${language}`,
      html`${reasonField(language, { id: 'status-reason', value: reason, error: errorOf('status-reason') })}<p class="actions"><button type="submit" class="${suspended ? 'primary' : 'danger'}">${suspended ? words.reactivate : words.suspend}</button></p>`,
      html` novalidate`,
    )}</section>
<section aria-labelledby="staff-heading"><h2 id="staff-heading">${words.staffHeading}</h2>${
      staff.length ? table([text.settings.staffName, text.settings.staffEmail, text.settings.staffRole, text.settings.staffState], staffRows) : html`<p>${words.noStaff}</p>`
    }
<h3>${words.inviteHeading}</h3><p>${words.inviteIntro}</p>${postForm(
      viewer,
      `${base}/invite?lang=${language}`,
      html`${inviteFields(language, { values: { language: centre.defaultLanguage, ...invite }, errors })}<p class="actions"><button type="submit" class="primary">${text.settings.inviteButton}</button></p>`,
      html` novalidate`,
    )}</section>
<section aria-labelledby="keys-heading"><h2 id="keys-heading">${words.keysHeading}</h2><p>${words.keysIntro}</p>${table([text.settings.keyId, text.settings.keyState, text.settings.keyCreated, ''], keyRows)}</section>`,
  });
}

/** GET /console/admin/centres/:slug/keys/:key/compromise: what withdrawing the key does, a reason, a box to tick. */
export function renderCompromisePage({
  language,
  platformName,
  viewer,
  centre,
  key,
  reason = '',
  errors = [],
}: AdminPageBase & { centre: Pick<AdminCentre, 'slug' | 'name'>; key: CentreKey; reason?: string; errors?: FormErrors }): string {
  const text = consoleMessages(language);
  const words = text.admin.centres;
  const errorOf = errorIn(errors);
  const confirmError = errorOf('confirm');
  const fragment = keyFragment(key.id);
  return renderAdminPage({
    language,
    platformName,
    viewer,
    area: 'centres',
    title: words.compromiseTitle,
    path: `/console/admin/centres/${centre.slug}/keys/${fragment}/compromise`,
    main: html`<h1>${words.compromiseTitle}</h1>${errorSummary(language, errors)}
<section><p><strong><bdi>${centre.name}</bdi></strong> — <span class="code" dir="ltr">${fragment}</span> (${text.settings.keyStates[key.status]})</p><p>${words.compromiseText}</p><p>${key.status === 'active' ? words.compromiseActive : words.compromiseRetired}</p>
${postForm(
  viewer,
  `/console/admin/centres/${centre.slug}/keys/${fragment}/compromise?lang=${language}`,
  html`${reasonField(language, { id: 'reason', value: reason, error: errorOf('reason') })}
${checkboxField({ id: 'confirm', value: 'compromised', label: words.compromiseConfirm, required: true, error: confirmError })}
<p class="actions"><button type="submit" class="primary danger">${words.compromiseButton}</button> <a class="button" href="/console/admin/centres/${centre.slug}?lang=${language}">${text.common.cancel}</a></p>`,
  html` novalidate`,
)}</section>`,
  });
}
